/* remove() clears a global that an ioctl dereferences untested. The memory is the
 * platform device itself, not devm: the NULL dereference does not depend on devres. */
#include <linux/miscdevice.h>
#include <linux/platform_device.h>

static struct platform_device *gauge_pdev;

static long gauge_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	dev_info(&gauge_pdev->dev, "ioctl %u\n", cmd);
	return 0;
}

static const struct file_operations gauge_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = gauge_ioctl,
};

static struct miscdevice gauge_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "gauge",
	.fops = &gauge_fops,
};

static int gauge_probe(struct platform_device *pdev)
{
	gauge_pdev = pdev;
	return misc_register(&gauge_misc);
}

static void gauge_remove(struct platform_device *pdev)
{
	misc_deregister(&gauge_misc);
	gauge_pdev = NULL;
}

static struct platform_driver gauge_driver = {
	.probe = gauge_probe,
	.remove = gauge_remove,
	.driver = { .name = "gauge" },
};
module_platform_driver(gauge_driver);
