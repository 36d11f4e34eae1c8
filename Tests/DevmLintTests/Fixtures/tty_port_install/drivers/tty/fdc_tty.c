/* Ports in devm memory linked at open by .install (tty_port_install), as
 * drivers/tty/mips_ejtag_fdc.c does, on a driver without remove(): an unbind frees the
 * ports while the tty driver stays registered. */
#include <linux/tty.h>
#include <linux/tty_driver.h>

struct fdc_tty_port {
	struct tty_port port;
	unsigned int channel;
};

struct fdc_tty {
	struct device *dev;
	struct tty_driver *driver;
	struct fdc_tty_port ports[4];
};

static int fdc_tty_install(struct tty_driver *driver, struct tty_struct *tty)
{
	struct fdc_tty *priv = driver->driver_state;

	tty->driver_data = &priv->ports[tty->index];
	return tty_port_install(&priv->ports[tty->index].port, driver, tty);
}

static const struct tty_operations fdc_tty_ops = {
	.install = fdc_tty_install,
};

static int fdc_tty_probe(struct fdc_device *dev)
{
	struct fdc_tty *priv;
	struct tty_driver *driver;
	unsigned int nport;

	priv = devm_kzalloc(&dev->dev, sizeof(*priv), GFP_KERNEL);
	if (!priv)
		return -ENOMEM;
	driver = tty_alloc_driver(4, TTY_DRIVER_REAL_RAW);
	if (IS_ERR(driver))
		return PTR_ERR(driver);
	priv->driver = driver;
	driver->driver_state = priv;
	tty_set_operations(driver, &fdc_tty_ops);
	for (nport = 0; nport < 4; nport++)
		tty_port_init(&priv->ports[nport].port);
	return tty_register_driver(driver);
}

static struct fdc_driver fdc_tty_driver = {
	.drv = {
		.name = "fdc_tty",
	},
	.probe = fdc_tty_probe,
};
builtin_fdc_driver(fdc_tty_driver);
