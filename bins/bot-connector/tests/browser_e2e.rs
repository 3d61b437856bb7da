//! End to end in a real browser: headless Chromium (Debian's `chromium` and
//! `chromium-driver`, which `.ci/run` installs) driven over WebDriver by
//! `fantoccini` creates a bot in the dashboard's wizard, starts it, chats
//! with it in the conversation tester and sees its reply.
//!
//! Without `chromedriver` on the PATH the test says so and passes, so a
//! machine without a browser can still run `cargo test`; CI has it.

use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use bot_connector::access::Role;
use bot_connector::demo::setup;
use bot_connector::server::serve;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

const CHROMIUM: &str = "/usr/bin/chromium";
const REPLY: &str = "The browser bot heard you";

/// The `chromedriver` on the PATH, if any.
fn chromedriver() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("chromedriver"))
        .find(|p| p.is_file())
}

/// Kills chromedriver when the test ends, however it ends.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap()
}

async fn start_driver(binary: &PathBuf) -> (Driver, String) {
    let port = free_port();
    let child = Command::new(binary)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", binary.display()));
    let driver = Driver(child);
    let url = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(20);
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        assert!(
            Instant::now() < deadline,
            "chromedriver did not listen on port {port} within 20 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    (driver, url)
}

async fn browser(webdriver: &str, profile: &std::path::Path) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": CHROMIUM,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                format!("--user-data-dir={}", profile.display()),
            ],
        }),
    );
    // Several crypto backends are linked; the WebDriver client (plain http
    // to chromedriver) needs one chosen.
    connector_http::install_crypto_provider();
    ClientBuilder::rustls()
        .expect("the TLS roots load")
        .capabilities(caps)
        .connect(webdriver)
        .await
        .expect("chromedriver opens a Chromium session")
}

async fn texts(client: &Client, css: &str) -> Vec<String> {
    let mut out = Vec::new();
    for element in client.find_all(Locator::Css(css)).await.unwrap_or_default() {
        out.push(element.text().await.unwrap_or_default());
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bot_created_in_the_dashboard_answers_in_the_tester() {
    let Some(driver_binary) = chromedriver() else {
        println!(
            "SKIPPED: chromedriver is not installed; install Debian's `chromium` and \
             `chromium-driver` (as .ci/run does) to run the browser test"
        );
        return;
    };
    let (_sim, app) = setup().await.unwrap();
    let (token, _) = app.create_token("browser test", Role::Admin, &[]).unwrap();
    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve(app.clone(), listener, async {
        let _ = stopped.await;
    }));

    let (_driver, webdriver) = start_driver(&driver_binary).await;
    let profile = tempfile::tempdir().unwrap();
    let client = browser(&webdriver, profile.path()).await;
    let result = drive(&client, &base, &token, &app).await;
    let _ = client.close().await;
    let _ = stop.send(());
    let _ = server.await;
    result.unwrap();
}

async fn drive(
    client: &Client,
    base: &str,
    token: &str,
    app: &bot_connector::state::App,
) -> Result<(), String> {
    let step = |what: &str, e: &dyn std::fmt::Display| format!("{what}: {e}");
    // Sign in by the form (a token in a URL would stay in the history).
    client
        .goto(&format!("{base}/login"))
        .await
        .map_err(|e| step("open the sign-in page", &e))?;
    client
        .find(Locator::Css("input[name=token]"))
        .await
        .map_err(|e| step("find the token field", &e))?
        .send_keys(&format!("{token}\n"))
        .await
        .map_err(|e| step("sign in", &e))?;
    client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_url(&format!("{base}/").parse().unwrap())
        .await
        .map_err(|e| step("reach the bot list after signing in", &e))?;

    // The wizard, prefilled for the local emulator; a bot of our own script.
    client
        .goto(&format!("{base}/bots/new"))
        .await
        .map_err(|e| step("open the wizard", &e))?;
    client
        .find(Locator::Css("input[name=id]"))
        .await
        .map_err(|e| step("find the bot id field", &e))?
        .send_keys("browser-bot")
        .await
        .map_err(|e| step("type the bot id", &e))?;
    let script = format!("[fallback]\noutputs = [{{ type = \"text\", text = \"{REPLY}\" }}]\n");
    client
        .execute(
            "document.querySelector('textarea[name=script]').value = arguments[0];",
            vec![json!(script)],
        )
        .await
        .map_err(|e| step("write the script", &e))?;
    client
        .find(Locator::Id("save"))
        .await
        .map_err(|e| step("find Save", &e))?
        .click()
        .await
        .map_err(|e| step("click Save", &e))?;
    client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_url(&format!("{base}/bots/browser-bot").parse().unwrap())
        .await
        .map_err(|e| step("reach the new bot's page after Save", &e))?;

    client
        .find(Locator::Css(
            "form[action='/bots/browser-bot/start'] button",
        ))
        .await
        .map_err(|e| step("find Start", &e))?
        .click()
        .await
        .map_err(|e| step("click Start", &e))?;
    // Wait on the server side: reloading the page in the browser right after
    // the click could cancel the form's POST before the browser sent it.
    let deadline = Instant::now() + Duration::from_secs(20);
    while app.fleet.status("browser-bot").map(|s| s.state).as_deref() != Some("Online") {
        if Instant::now() > deadline {
            return Err(format!(
                "the bot did not come Online; the fleet says {:?}, the page {:?}",
                app.fleet.status("browser-bot").map(|s| s.state),
                texts(client, "p b.state").await
            ));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    client
        .goto(&format!("{base}/bots/browser-bot"))
        .await
        .map_err(|e| step("reload the status page", &e))?;
    let state = texts(client, "p b.state").await;
    if !state.iter().any(|s| s == "Online") {
        return Err(format!("the status page does not show Online: {state:?}"));
    }

    client
        .goto(&format!("{base}/tester"))
        .await
        .map_err(|e| step("open the tester", &e))?;
    client
        .find(Locator::Id("text"))
        .await
        .map_err(|e| step("find the message box", &e))?
        .send_keys("hello from the browser\n")
        .await
        .map_err(|e| step("send a message", &e))?;
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let consumer = texts(client, ".msg.consumer").await;
        let bot = texts(client, ".msg.bot").await;
        if consumer.iter().any(|t| t == "hello from the browser")
            && bot.iter().any(|t| t.contains(REPLY))
        {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!(
                "no reply in the tester: consumer lines {consumer:?}, bot lines {bot:?}"
            ));
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}
