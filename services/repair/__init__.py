"""Fault repair (故障报修): a kind of request on the work-order backbone (registered in services.repair.kind)."""
