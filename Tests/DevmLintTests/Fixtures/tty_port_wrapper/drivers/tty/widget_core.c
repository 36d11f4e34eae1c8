#include <linux/tty.h>
#include <linux/tty_driver.h>
#include "widget_core.h"

static struct tty_driver *widget_tty_driver;

int widget_port_add(struct widget_port *wp, struct device *parent)
{
	struct device *dev;

	tty_port_init(&wp->port);
	dev = tty_port_register_device(&wp->port, widget_tty_driver, wp->index, parent);
	return PTR_ERR_OR_ZERO(dev);
}
EXPORT_SYMBOL_GPL(widget_port_add);

void widget_port_remove(struct widget_port *wp)
{
	tty_unregister_device(widget_tty_driver, wp->index);
	tty_port_destroy(&wp->port);
}
EXPORT_SYMBOL_GPL(widget_port_remove);
