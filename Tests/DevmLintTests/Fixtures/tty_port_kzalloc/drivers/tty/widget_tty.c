/* The fix: each port kzalloc()ed and freed by its tty_port_operations.destruct at the last
 * tty_port_put(); every tty holds a reference (install/cleanup). Not reported. */
#include <linux/platform_device.h>
#include <linux/tty.h>
#include <linux/tty_driver.h>

struct widget_port {
	void __iomem *ioaddr;
	struct tty_port port;
};

static struct tty_driver *widget_tty_driver;
static struct widget_port *widget_table[2];

static int widget_install(struct tty_driver *driver, struct tty_struct *tty)
{
	struct widget_port *wp = widget_table[tty->index];

	tty_port_get(&wp->port);
	return tty_port_install(&wp->port, driver, tty);
}

static void widget_cleanup(struct tty_struct *tty)
{
	tty_port_put(tty->port);
}

static const struct tty_operations widget_ops = {
	.install = widget_install,
	.cleanup = widget_cleanup,
};

static void widget_port_destruct(struct tty_port *port)
{
	struct widget_port *wp = container_of(port, struct widget_port, port);

	kfree(wp);
}

static const struct tty_port_operations widget_port_ops = {
	.destruct = widget_port_destruct,
};

static int widget_probe(struct platform_device *pdev)
{
	struct widget_port *wp;

	wp = kzalloc(sizeof(*wp), GFP_KERNEL);
	if (!wp)
		return -ENOMEM;
	tty_port_init(&wp->port);
	wp->port.ops = &widget_port_ops;
	widget_table[pdev->id] = wp;
	tty_port_register_device(&wp->port, widget_tty_driver, pdev->id, &pdev->dev);
	platform_set_drvdata(pdev, wp);
	return 0;
}

static void widget_remove(struct platform_device *pdev)
{
	struct widget_port *wp = platform_get_drvdata(pdev);

	tty_port_tty_hangup(&wp->port, false);
	tty_port_unregister_device(&wp->port, widget_tty_driver, pdev->id);
	tty_port_put(&wp->port);
}

static struct platform_driver widget_driver = {
	.probe = widget_probe,
	.remove_new = widget_remove,
	.driver = {
		.name = "widget-tty",
	},
};
module_platform_driver(widget_driver);
