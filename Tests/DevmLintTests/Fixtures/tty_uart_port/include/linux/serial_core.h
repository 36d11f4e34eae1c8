/* The shape of include/linux/serial_core.h: the tty_port lives in serial_core's own
 * uart_state; a driver's uart_port only points at it. */
#ifndef LINUX_SERIAL_CORE_H
#define LINUX_SERIAL_CORE_H

struct uart_state;

struct uart_port {
	unsigned long iobase;
	unsigned int line;
	struct uart_state *state;
	struct device *dev;
};

struct uart_state {
	struct tty_port port;
	struct uart_port *uart_port;
};

struct uart_driver {
	const char *driver_name;
	int nr;
	struct uart_state *state;
	struct tty_driver *tty_driver;
};

int uart_add_one_port(struct uart_driver *reg, struct uart_port *port);
void uart_remove_one_port(struct uart_driver *reg, struct uart_port *port);

#endif
