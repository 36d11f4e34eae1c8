#include <linux/miscdevice.h>
#include <linux/platform_device.h>

struct widget {
	struct device *dev;
	int count;
	struct miscdevice misc;
};
static int widget_open(struct inode *inode, struct file *file)
{
	struct widget *w = container_of(file->private_data, struct widget, misc);

	get_device(w->dev);
	file->private_data = w;
	return 0;
}
static int widget_release(struct inode *inode, struct file *file)
{
	struct widget *w = file->private_data;

	put_device(w->dev);
	return 0;
}
static const struct file_operations widget_fops = {
	.owner = THIS_MODULE,
	.open = widget_open,
	.release = widget_release,
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
	},
};
module_platform_driver(widget_driver);
