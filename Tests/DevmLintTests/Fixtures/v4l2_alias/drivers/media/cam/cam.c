/* The embedded video_device is registered through a local alias (the exynos4-is shape). */
#include <linux/platform_device.h>
#include <media/v4l2-device.h>
#include <media/v4l2-dev.h>

struct cam {
	struct v4l2_device v4l2_dev;
	struct video_device vdev;
};

static const struct v4l2_file_operations cam_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = video_ioctl2,
};

static int cam_probe(struct platform_device *pdev)
{
	struct cam *cam;
	struct video_device *vfd;

	cam = devm_kzalloc(&pdev->dev, sizeof(*cam), GFP_KERNEL);
	if (!cam)
		return -ENOMEM;
	vfd = &cam->vdev;
	vfd->fops = &cam_fops;
	vfd->release = video_device_release_empty;
	return video_register_device(vfd, VFL_TYPE_VIDEO, -1);
}

static struct platform_driver cam_driver = {
	.probe = cam_probe,
	.driver = { .name = "cam" },
};
module_platform_driver(cam_driver);
