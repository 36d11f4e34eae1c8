#include <linux/cdev.h>
struct chan_port {
	int id;
	struct cdev cdev;
};
struct chan_dev {
	struct device *dev;
	struct {
		int flags;
		struct chan_port ports[4];
	} hw;
};
static const struct file_operations chan_fops = {
	.owner = THIS_MODULE,
};
static int chan_probe(struct platform_device *pdev)
{
	struct chan_dev *cd = devm_kzalloc(&pdev->dev, sizeof(*cd), GFP_KERNEL);
	int i;

	for (i = 0; i < 4; i++) {
		cdev_init(&cd->hw.ports[i].cdev, &chan_fops);
		cdev_add(&cd->hw.ports[i].cdev, MKDEV(240, i), 1);
	}
	return 0;
}

static struct platform_driver widget_driver = {
	.probe = chan_probe,
	.driver = {
		.name = "widget",
	},
};
module_platform_driver(widget_driver);
