/* The driver structure and remove() live here; the global and the fops in
 * pad-chardev.c, cleared through its exported helper. */
#include <linux/platform_device.h>
#include "pad.h"

static int pad_probe(struct platform_device *pdev)
{
	return pad_chardev_probe(pdev);
}

static void pad_remove(struct platform_device *pdev)
{
	pad_chardev_remove();
}

static struct platform_driver pad_driver = {
	.probe = pad_probe,
	.remove = pad_remove,
	.driver = { .name = "pad" },
};
module_platform_driver(pad_driver);
