/* Ports in a devm_kcalloc() array, linked by the driver's own .install setting tty->port
 * (no tty_port_* linking call), nodes made by tty_register_driver(). */
#include <linux/platform_device.h>
#include <linux/tty.h>
#include <linux/tty_driver.h>

struct dbc_port {
	struct tty_port port;
	unsigned int minor;
};

static struct dbc_port *dbc_ports;

static int dbc_install(struct tty_driver *driver, struct tty_struct *tty)
{
	struct dbc_port *p = &dbc_ports[tty->index];

	tty->driver_data = p;
	tty->port = &p->port;
	return tty_standard_install(driver, tty);
}

static const struct tty_operations dbc_ops = {
	.install = dbc_install,
};

static int dbc_probe(struct platform_device *pdev)
{
	struct tty_driver *driver;
	int i;

	dbc_ports = devm_kcalloc(&pdev->dev, 4, sizeof(*dbc_ports), GFP_KERNEL);
	if (!dbc_ports)
		return -ENOMEM;
	for (i = 0; i < 4; i++)
		tty_port_init(&dbc_ports[i].port);
	driver = tty_alloc_driver(4, TTY_DRIVER_REAL_RAW);
	if (IS_ERR(driver))
		return PTR_ERR(driver);
	tty_set_operations(driver, &dbc_ops);
	return tty_register_driver(driver);
}

static struct platform_driver dbc_driver = {
	.probe = dbc_probe,
	.driver = {
		.name = "dbc-tty",
	},
};
module_platform_driver(dbc_driver);
