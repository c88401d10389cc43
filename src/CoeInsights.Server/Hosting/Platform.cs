// The server manages PostgreSQL processes and Unix file modes (0600 secrets): it runs on Linux and macOS.
[assembly: System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
