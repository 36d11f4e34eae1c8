/* A small tty subsystem one folder up from its drivers. */
#ifndef WIDGET_CORE_H
#define WIDGET_CORE_H

struct widget_port {
	struct tty_port port;
	int index;
};

int widget_port_add(struct widget_port *wp, struct device *parent);
void widget_port_remove(struct widget_port *wp);

#endif
