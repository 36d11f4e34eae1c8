/* remove() clears a global that the fop tests before use: no NULL dereference. The
 * memory is not devm, so no devm rule applies either. */
#include <linux/miscdevice.h>
#include <linux/platform_device.h>

static struct platform_device *dial_pdev;

static long dial_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct platform_device *p = dial_pdev;

	if (!p)
		return -ENODEV;
	dev_info(&p->dev, "ioctl %u\n", cmd);
	return 0;
}

static const struct file_operations dial_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = dial_ioctl,
};

static struct miscdevice dial_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "dial",
	.fops = &dial_fops,
};

static int dial_probe(struct platform_device *pdev)
{
	dial_pdev = pdev;
	return misc_register(&dial_misc);
}

static void dial_remove(struct platform_device *pdev)
{
	misc_deregister(&dial_misc);
	dial_pdev = NULL;
}

static struct platform_driver dial_driver = {
	.probe = dial_probe,
	.remove = dial_remove,
	.driver = { .name = "dial" },
};
module_platform_driver(dial_driver);
