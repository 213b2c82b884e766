// Model (being written).
enum ModelPlaceholder {}
