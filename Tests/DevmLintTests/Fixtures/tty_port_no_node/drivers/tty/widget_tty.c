/* A port in devm memory linked to a tty driver that never registers a node here (no
 * tty_register_driver()/tty_register_device() in the folder): no tty can be opened on it.
 * Not reported; --explain says why. */
#include <linux/platform_device.h>
#include <linux/tty.h>

struct widget_tty {
	struct tty_port port;
	int line;
};

extern struct tty_driver *widget_tty_driver;

static int widget_probe(struct platform_device *pdev)
{
	struct widget_tty *wt;

	wt = devm_kzalloc(&pdev->dev, sizeof(*wt), GFP_KERNEL);
	if (!wt)
		return -ENOMEM;
	tty_port_init(&wt->port);
	tty_port_link_device(&wt->port, widget_tty_driver, 0);
	return 0;
}

static struct platform_driver widget_driver = {
	.probe = widget_probe,
	.driver = {
		.name = "widget-tty",
	},
};
module_platform_driver(widget_driver);
