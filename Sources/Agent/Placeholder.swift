// Agent (being written).
enum AgentPlaceholder {}
