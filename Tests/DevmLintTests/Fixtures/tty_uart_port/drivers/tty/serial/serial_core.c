/* The shape of drivers/tty/serial/serial_core.c: the tty_port that gets the node is the
 * core's own uart_state.port; the driver's uart_port is reached through
 * state->uart_port, which uart_remove_one_port() clears. */
#include <linux/tty.h>
#include <linux/serial_core.h>

int uart_add_one_port(struct uart_driver *drv, struct uart_port *uport)
{
	struct uart_state *state = drv->state + uport->line;
	struct device *tty_dev;

	state->uart_port = uport;
	uport->state = state;
	tty_dev = tty_port_register_device_attr_serdev(&state->port, drv->tty_driver, uport->line, uport->dev, uport, NULL);
	return PTR_ERR_OR_ZERO(tty_dev);
}

void uart_remove_one_port(struct uart_driver *drv, struct uart_port *uport)
{
	struct uart_state *state = drv->state + uport->line;

	tty_port_tty_vhangup(&state->port);
	tty_port_unregister_device(&state->port, drv->tty_driver, uport->line);
	state->uart_port = NULL;
}
