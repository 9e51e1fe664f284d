"""Service applications (服务申请): a kind of request on the backbone (registered in services.applications.kind)."""
