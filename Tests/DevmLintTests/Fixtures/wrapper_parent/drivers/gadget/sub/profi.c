/* Names no cdev itself: the embedded cdev comes from the parent folder's header and is
 * registered by the parent folder's exported wrapper. */
#include <linux/platform_device.h>
#include "../gadget_dev.h"

struct profi {
	void __iomem *regs;
	struct gadget_dev gdev;
};

static int profi_probe(struct platform_device *pdev)
{
	struct profi *priv;

	priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);
	if (!priv)
		return -ENOMEM;
	return gadget_dev_register(&priv->gdev);
}

static struct platform_driver profi_driver = {
	.probe = profi_probe,
	.driver = { .name = "profi" },
};
module_platform_driver(profi_driver);
