struct widget {
	int count;
	struct miscdevice *misc;
};
