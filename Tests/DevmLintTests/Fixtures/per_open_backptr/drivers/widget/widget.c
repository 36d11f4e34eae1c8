#include <linux/miscdevice.h>
#include <linux/platform_device.h>

struct widget {
	void __iomem *base;
	int count;
	struct miscdevice misc;
};

struct widget_ctx {
	void __iomem *base;
	struct widget *owner;
};
static int widget_open(struct inode *inode, struct file *file)
{
	struct widget_ctx *ctx;
	struct miscdevice *m = file->private_data;

	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	ctx->owner = container_of(m, struct widget, misc);
	file->private_data = ctx;
	return 0;
}
static int widget_release(struct inode *inode, struct file *file)
{
	kfree(file->private_data);
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
