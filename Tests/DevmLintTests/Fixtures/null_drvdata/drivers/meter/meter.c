/* remove() clears the driver data; read() fetches it through a helper and dereferences
 * it untested. */
#include <linux/miscdevice.h>
#include <linux/platform_device.h>
#include <linux/slab.h>

struct meter {
	int value;
};

static struct miscdevice meter_misc;

static int meter_value(void)
{
	struct meter *m = dev_get_drvdata(meter_misc.parent);

	return m->value;
}

static ssize_t meter_read(struct file *file, char __user *buf, size_t len, loff_t *off)
{
	int v = meter_value();

	return simple_read_from_buffer(buf, len, off, &v, sizeof(v));
}

static const struct file_operations meter_fops = {
	.owner = THIS_MODULE,
	.read = meter_read,
};

static struct miscdevice meter_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "meter",
	.fops = &meter_fops,
};

static int meter_probe(struct platform_device *pdev)
{
	struct meter *m = kzalloc(sizeof(*m), GFP_KERNEL);

	if (!m)
		return -ENOMEM;
	platform_set_drvdata(pdev, m);
	meter_misc.parent = &pdev->dev;
	return misc_register(&meter_misc);
}

static void meter_remove(struct platform_device *pdev)
{
	misc_deregister(&meter_misc);
	platform_set_drvdata(pdev, NULL);
}

static struct platform_driver meter_driver = {
	.probe = meter_probe,
	.remove = meter_remove,
	.driver = { .name = "meter" },
};
module_platform_driver(meter_driver);
