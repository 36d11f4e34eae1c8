/* The drivers/watchdog/cpwd.c shape: a miscdevice embedded in devm memory whose fops
 * find the memory through a global that remove() clears, used untested. The first
 * call after unbind dereferences NULL: devm-null-after-remove, not devm-uaf. */
#include <linux/miscdevice.h>
#include <linux/platform_device.h>

struct lamp {
	int level;
	struct miscdevice misc;
};

static struct lamp *lamp_device;

static long lamp_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct lamp *l = lamp_device;

	return l->level;
}

static const struct file_operations lamp_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = lamp_ioctl,
};

static int lamp_probe(struct platform_device *pdev)
{
	struct lamp *l;

	l = devm_kzalloc(&pdev->dev, sizeof(*l), GFP_KERNEL);
	if (!l)
		return -ENOMEM;
	l->misc.minor = MISC_DYNAMIC_MINOR;
	l->misc.name = "lamp";
	l->misc.fops = &lamp_fops;
	lamp_device = l;
	return misc_register(&l->misc);
}

static void lamp_remove(struct platform_device *pdev)
{
	struct lamp *l = platform_get_drvdata(pdev);

	misc_deregister(&l->misc);
	lamp_device = NULL;
}

static struct platform_driver lamp_driver = {
	.probe = lamp_probe,
	.remove = lamp_remove,
	.driver = { .name = "lamp" },
};
module_platform_driver(lamp_driver);
