#include <linux/miscdevice.h>
#include <linux/platform_device.h>

struct widget {
	void __iomem *base;
	int count;
	struct miscdevice misc;
};

static DEFINE_MUTEX(widget_lock);
static struct widget *widget_global;
static ssize_t widget_read(struct file *file, char __user *buf, size_t len, loff_t *off)
{
	ssize_t ret = -ENODEV;

	mutex_lock(&widget_lock);
	if (widget_global)
		ret = widget_global->count;
	mutex_unlock(&widget_lock);
	return ret;
}

static const struct file_operations widget_fops = {
	.owner = THIS_MODULE,
	.read = widget_read,
};

static int widget_probe(struct platform_device *pdev)
{
	struct widget *w;

	w = devm_kzalloc(&pdev->dev, sizeof(*w), GFP_KERNEL);
	if (!w)
		return -ENOMEM;
	w->misc.minor = MISC_DYNAMIC_MINOR;
	w->misc.name = "widget";
	w->misc.fops = &widget_fops;
	widget_global = w;
	return misc_register(&w->misc);
}

static void widget_remove(struct platform_device *pdev)
{
	mutex_lock(&widget_lock);
	widget_global = NULL;
	mutex_unlock(&widget_lock);
}

static struct platform_driver widget_driver = {
	.probe = widget_probe,
	.driver = {
		.name = "widget",
	},
};
module_platform_driver(widget_driver);
