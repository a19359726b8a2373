"""Project format modules (``FORMAT_MODULE_PATH``): dates as 2023年9月5日, inputs that Python can parse."""
