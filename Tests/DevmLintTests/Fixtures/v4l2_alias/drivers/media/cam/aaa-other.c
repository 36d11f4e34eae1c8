/* Another video node of the same folder, registered first in path order: not the one to cite. */
#include <media/v4l2-dev.h>

int other_register(struct video_device *v)
{
	return video_register_device(v, VFL_TYPE_VIDEO, -1);
}
