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

static int widget_probe(struct amba_device *adev, const struct amba_id *id)
{
	struct widget *w = devm_kzalloc(&adev->dev, sizeof(*w), GFP_KERNEL);

	w->misc.fops = &widget_fops;
	return misc_register(&w->misc);
}
static struct amba_driver widget_driver = {
	.drv = {
		.name = "widget",
		.suppress_bind_attrs = true,
	},
	.probe = widget_probe,
};
module_amba_driver(widget_driver);
