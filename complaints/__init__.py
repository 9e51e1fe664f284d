"""The closed-loop complaint process (投诉闭环管理) and its sister kinds: 举报, 意见, 建议 and 表扬."""
