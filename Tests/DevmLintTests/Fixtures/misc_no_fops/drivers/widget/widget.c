#include <linux/miscdevice.h>
#include <linux/platform_device.h>

struct widget {
	void __iomem *base;
	int count;
	struct miscdevice misc;
};

static int widget_probe(struct platform_device *pdev)
{
	struct widget *w = devm_kzalloc(&pdev->dev, sizeof(*w), GFP_KERNEL);

	w->misc.minor = MISC_DYNAMIC_MINOR;
	w->misc.name = "widget";
	return misc_register(&w->misc);
}

static struct platform_driver widget_driver = {
	.probe = widget_probe,
	.driver = {
		.name = "widget",
	},
};
module_platform_driver(widget_driver);
