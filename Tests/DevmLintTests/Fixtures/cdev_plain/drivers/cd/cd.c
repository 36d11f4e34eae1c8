#include <linux/cdev.h>
struct cd_priv {
	struct cdev cdev;
	int value;
};
static int cd_open(struct inode *inode, struct file *file)
{
	return 0;
}
static const struct file_operations cd_fops = {
	.owner = THIS_MODULE,
	.open = cd_open,
};
static int cd_probe(struct platform_device *pdev)
{
	struct cd_priv *p = devm_kzalloc(&pdev->dev, sizeof(struct cd_priv), GFP_KERNEL);

	cdev_init(&p->cdev, &cd_fops);
	return cdev_add(&p->cdev, MKDEV(240, 0), 1);
}

static struct platform_driver widget_driver = {
	.probe = cd_probe,
	.driver = {
		.name = "widget",
	},
};
module_platform_driver(widget_driver);
