#include <linux/miscdevice.h>
struct widget {
	int count;
	struct miscdevice misc;
};
static ssize_t widget_read(struct file *file, char __user *buf, size_t len, loff_t *off)
{
	struct widget *w = container_of(file->private_data, struct widget, misc);

	return w->count;
}
static const struct file_operations widget_fops = {
	.owner = THIS_MODULE,
	.read = widget_read,
};

static int widget_probe(struct platform_device *pdev)
{
	struct widget *w = devm_kmalloc(&pdev->dev, sizeof(*w), GFP_KERNEL);

	*w = (struct widget){
		.count = 0,
		.misc = (struct miscdevice){
			.minor = MISC_DYNAMIC_MINOR,
			.fops = &widget_fops,
		},
	};
	return misc_register(&w->misc);
}
static struct platform_driver widget_driver = {
	.probe = widget_probe,
	.driver = { .name = "widget" },
};
module_platform_driver(widget_driver);
