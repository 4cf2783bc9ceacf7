module example.pipe {
    requires org.ringipc.mmap;
}
