#include <linux/miscdevice.h>
struct widget {
	int count;
	struct miscdevice misc;
};
