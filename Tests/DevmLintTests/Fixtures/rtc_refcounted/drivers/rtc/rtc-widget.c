#include <linux/rtc.h>
#include <linux/cdev.h>
struct widget_rtc { struct cdev cdev; };
static int widget_rtc_probe(struct platform_device *pdev)
{
	struct rtc_device *rtc;

	rtc = devm_rtc_allocate_device(&pdev->dev);
	if (IS_ERR(rtc))
		return PTR_ERR(rtc);
	return devm_rtc_register_device(rtc);
}

static struct platform_driver widget_driver = {
	.probe = widget_rtc_probe,
	.driver = {
		.name = "widget",
	},
};
module_platform_driver(widget_driver);
