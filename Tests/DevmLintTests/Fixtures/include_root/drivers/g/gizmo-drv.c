#include <linux/gizmo.h>
struct gizmo_priv {
	int irq;
	struct gizmo_core core;
};
static const struct file_operations gizmo_fops = {
	.owner = THIS_MODULE,
};
static int gizmo_probe(struct spi_device *spi)
{
	struct gizmo_priv *gp = devm_kzalloc(&spi->dev, sizeof(*gp), GFP_KERNEL);

	cdev_init(&gp->core.chrdev, &gizmo_fops);
	return cdev_device_add(&gp->core.chrdev, &spi->dev);
}
static struct spi_driver gizmo_driver = {
	.driver = { .name = "gizmo" },
	.probe = gizmo_probe,
};
module_spi_driver(gizmo_driver);
