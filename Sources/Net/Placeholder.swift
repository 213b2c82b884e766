// Event loop and sockets: see EventLoop.swift (being written).
enum NetPlaceholder {}
