/* A driver of the widget subsystem: its port lives in devm memory and is given a tty
 * node by widget_port_add() in the folder above. */
#include <linux/platform_device.h>
#include "../widget_core.h"

struct acme_widget {
	void __iomem *regs;
	struct widget_port wp;
};

static int acme_probe(struct platform_device *pdev)
{
	struct acme_widget *aw;

	aw = devm_kzalloc(&pdev->dev, sizeof(*aw), GFP_KERNEL);
	if (!aw)
		return -ENOMEM;
	aw->wp.index = pdev->id;
	platform_set_drvdata(pdev, aw);
	return widget_port_add(&aw->wp, &pdev->dev);
}

static void acme_remove(struct platform_device *pdev)
{
	struct acme_widget *aw = platform_get_drvdata(pdev);

	widget_port_remove(&aw->wp);
}

static struct platform_driver acme_driver = {
	.probe = acme_probe,
	.remove_new = acme_remove,
	.driver = {
		.name = "acme-widget",
	},
};
module_platform_driver(acme_driver);
