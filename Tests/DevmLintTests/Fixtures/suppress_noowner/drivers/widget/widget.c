#include <linux/miscdevice.h>
#include <linux/platform_device.h>

struct widget {
	void __iomem *base;
	int count;
	struct miscdevice misc;
};

static ssize_t widget_read(struct file *file, char __user *buf, size_t len, loff_t *off)
{
	struct widget *w = container_of(file->private_data, struct widget, misc);

	return simple_read_from_buffer(buf, len, off, &w->count, sizeof(w->count));
}

static const struct file_operations widget_fops = {

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
	return misc_register(&w->misc);
}

static struct platform_driver widget_driver = {
	.probe = widget_probe,
	.driver = {
		.name = "widget",
		.suppress_bind_attrs = true,
	},
};
module_platform_driver(widget_driver);
