#include <linux/miscdevice.h>
#include "widget.h"
static struct miscdevice beta_misc;
static int beta_probe(struct platform_device *pdev)
{
	struct widget *w = devm_kzalloc(&pdev->dev, sizeof(*w), GFP_KERNEL);

	w->misc = &beta_misc;
	return misc_register(w->misc);
}

static struct platform_driver widget_driver = {
	.probe = beta_probe,
	.driver = {
		.name = "widget",
	},
};
module_platform_driver(widget_driver);
