namespace Relay.Terminal; public class Placeholder {}
