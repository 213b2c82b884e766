// Energy (being written).
enum EnergyPlaceholder {}
