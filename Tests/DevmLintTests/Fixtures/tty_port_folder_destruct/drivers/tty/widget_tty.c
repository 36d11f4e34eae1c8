/* Ports kept in devm memory and given tty nodes, as drivers/tty/mxser.c does: an open tty
 * keeps tty->port, and its last close after unbind runs widget_close() and release_tty()
 * on the freed board. */
#include <linux/platform_device.h>
#include <linux/tty.h>
#include <linux/tty_driver.h>
#include <linux/tty_flip.h>

#define WIDGET_PORTS 2

struct widget_port {
	void __iomem *ioaddr;
	struct tty_port port;
	int line;
};

struct widget_board {
	int nports;
	struct widget_port ports[WIDGET_PORTS];
};

static struct tty_driver *widget_tty_driver;

static int widget_open(struct tty_struct *tty, struct file *filp)
{
	return tty_port_open(tty->port, tty, filp);
}

static void widget_close(struct tty_struct *tty, struct file *filp)
{
	tty_port_close(tty->port, tty, filp);
}

static const struct tty_operations widget_ops = {
	.open = widget_open,
	.close = widget_close,
};

static const struct tty_port_operations widget_port_ops = {
};

static int widget_probe(struct platform_device *pdev)
{
	struct widget_board *brd;
	struct device *tty_dev;
	int i;

	brd = devm_kzalloc(&pdev->dev, sizeof(*brd), GFP_KERNEL);
	if (!brd)
		return -ENOMEM;
	for (i = 0; i < WIDGET_PORTS; i++) {
		tty_port_init(&brd->ports[i].port);
		brd->ports[i].port.ops = &widget_port_ops;
		tty_dev = tty_port_register_device(&brd->ports[i].port, widget_tty_driver, i, &pdev->dev);
		if (IS_ERR(tty_dev))
			return PTR_ERR(tty_dev);
	}
	platform_set_drvdata(pdev, brd);
	return 0;
}

static void widget_remove(struct platform_device *pdev)
{
	struct widget_board *brd = platform_get_drvdata(pdev);
	int i;

	for (i = 0; i < WIDGET_PORTS; i++) {
		tty_unregister_device(widget_tty_driver, i);
		tty_port_destroy(&brd->ports[i].port);
	}
}

static struct platform_driver widget_driver = {
	.probe = widget_probe,
	.remove_new = widget_remove,
	.driver = {
		.name = "widget-tty",
	},
};

static int __init widget_init(void)
{
	widget_tty_driver = tty_alloc_driver(WIDGET_PORTS, TTY_DRIVER_REAL_RAW | TTY_DRIVER_DYNAMIC_DEV);
	if (IS_ERR(widget_tty_driver))
		return PTR_ERR(widget_tty_driver);
	tty_set_operations(widget_tty_driver, &widget_ops);
	tty_register_driver(widget_tty_driver);
	return platform_driver_register(&widget_driver);
}
module_init(widget_init);
