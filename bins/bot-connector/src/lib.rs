//! The deployable LiveEngage bot connector: runs the bots of a config file
//! and those created through its management API, each as a
//! `connector_runtime::Connector`; serves the dashboard, the conversation
//! tester, Prometheus metrics and health checks; and a self-contained demo
//! on the local LiveEngage emulator.
//!
//! The binary (`main.rs`) only parses the command line; everything else lives
//! here, one concept per module, so tests drive the same code in-process.
#![deny(missing_docs)]

pub mod access;
pub mod api;
pub mod assemble;
pub mod cli;
pub mod config;
pub mod dashboard;
pub mod demo;
pub mod fleet;
pub mod functions;
pub mod instrument;
pub mod journal;
pub mod logging;
pub mod login;
pub mod redact;
pub mod scrape;
pub mod server;
pub mod state;
pub mod store;
pub mod telemetry;
pub mod tester;
pub mod timeline;
