// The stream file store (being written).
enum StorePlaceholder {}
