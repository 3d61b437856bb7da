//! Runs the reference Custom Endpoint server on `127.0.0.1:4004` (or `$PORT`).

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let port = std::env::var("PORT").unwrap_or_else(|_| "4004".to_owned());
    let server = webhook_reference::ReferenceServer::new();
    let (addr, task) = server.spawn(&format!("127.0.0.1:{port}")).await?;
    println!(
        "Custom Endpoint reference server on http://{addr} (token: POST /token, client id {}, secret {})",
        webhook_reference::CLIENT_ID,
        webhook_reference::CLIENT_SECRET
    );
    task.await.map_err(std::io::Error::other)
}
