#include <linux/miscdevice.h>
#include <linux/platform_device.h>
#include "pad.h"

static struct platform_device *pad_pdev;

static ssize_t pad_read(struct file *file, char __user *buf, size_t len, loff_t *off)
{
	dev_info(&pad_pdev->dev, "read\n");
	return 0;
}

static const struct file_operations pad_fops = {
	.owner = THIS_MODULE,
	.read = pad_read,
};

static struct miscdevice pad_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "pad",
	.fops = &pad_fops,
};

int pad_chardev_probe(struct platform_device *pdev)
{
	pad_pdev = pdev;
	return misc_register(&pad_misc);
}

void pad_chardev_remove(void)
{
	misc_deregister(&pad_misc);
	pad_pdev = NULL;
}
