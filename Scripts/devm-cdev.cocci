// The simple pattern only: a devm_kzalloc'd struct whose embedded miscdevice or
// cdev is registered in the same function. No unbind, fops or include analysis:
// this is the speed baseline for Scripts/lint-corpus.sh, not a second lint.
@r exists@
expression dev, e1, e2;
identifier p, fld;
position pos;
@@
p = devm_kzalloc@pos(dev, ...);
...
(
misc_register(&p->fld)
|
cdev_add(&p->fld, e1, e2)
|
cdev_device_add(&p->fld, e1)
)

@script:python depends on r@
pos << r.pos;
@@
print("%s:%s: devm_kzalloc'd struct registered as misc/cdev" % (pos[0].file, pos[0].line))
