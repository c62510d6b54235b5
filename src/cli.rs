//! The command line: `serve` (default), `user add|passwd`, `demo`, `audit verify|anchor`, `tally`,
//! `routes`.

mod audit;

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::audit::Actor;
use crate::config::Config;
use crate::state::AppState;

/// Huanjie (换届): runs the re-election of a community's two committees.
#[derive(Parser, Debug)]
#[command(name = "huanjie", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Start the web server on HUANJIE_BIND (default 127.0.0.1:3000); the default command.
    /// On an empty database, creates the first 街道工作组 account `admin` and prints its password
    /// once (or uses HUANJIE_ADMIN_PASSWORD).
    Serve,
    /// Manage accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Load the demo street (舜耕街道: three communities, ~200 people each) and one account per
    /// role, printing their passwords. Running it again duplicates nothing (it prints new passwords).
    Demo,
    /// Audit log tools.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Tally one round from a JSON document (FILE, or - for standard input) and print the result
    /// as JSON. Exits 0 when the input was understood (also for a void round), 2 for malformed
    /// input. See docs/TALLY.md.
    Tally {
        /// The input file, or `-` for standard input.
        file: String,
    },
    /// Print the route table, one JSON object a line (method, path, access, api), for tools
    /// such as the browser walk. Needs no database.
    Routes,
}

#[derive(Subcommand, Debug)]
enum UserCommand {
    /// Create an account; the password is read from standard input.
    Add {
        /// Login name.
        name: String,
        /// street | community | scrutineer | counter.
        #[arg(long)]
        role: String,
        /// Community code (binds a community account).
        #[arg(long)]
        community: Option<String>,
        /// Read the password from standard input (required: passwords never go on the command line).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// Set an account's password, read from standard input.
    Passwd {
        /// Login name.
        name: String,
        /// Read the password from standard input.
        #[arg(long, required = true)]
        password_stdin: bool,
    },
}

#[derive(Subcommand, Debug)]
enum AuditCommand {
    /// Check every hash chain, that every community and the street have one, and each certified
    /// vote (its chain head is its certification; its stored ballots tally to its result); print
    /// each problem and exit 1 if there is any.
    Verify {
        /// Also check an anchor file written by `audit anchor`: its signature, with the key of
        /// HUANJIE_ANCHOR_KEY, and that every head it holds is still in its chain.
        #[arg(long, value_name = "FILE")]
        anchor: Option<PathBuf>,
    },
    /// Verify, then write every chain's head, signed with the key of HUANJIE_ANCHOR_KEY (created,
    /// mode 0600, if absent), to FILE for the street to keep outside the database.
    Anchor {
        /// The anchor file to write (it must not exist yet).
        file: PathBuf,
    },
}

fn read_password() -> Result<String, String> {
    let mut s = String::new();
    std::io::stdin()
        .read_to_string(&mut s)
        .map_err(|e| format!("读取密码失败: {e}"))?;
    Ok(s.trim_end_matches(['\n', '\r']).to_string())
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "huanjie=info,tower_http=warn".into());
    let _ = tracing_subscriber::fmt().with_env_filter(filter).try_init();
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let _ = dotenvy::dotenv();
    let cli = Cli::parse();
    if let Some(Command::Tally { file }) = &cli.command {
        return tally(file);
    }
    if let Some(Command::Routes) = &cli.command {
        return print_routes();
    }
    init_tracing();
    let rt = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("无法启动运行时: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误：{e}");
            ExitCode::FAILURE
        }
    }
}

async fn state(config: Config) -> Result<AppState, String> {
    let db = crate::open(&config).await.map_err(|e| e.to_string())?;
    Ok(AppState::new(db, config))
}

async fn run(cli: Cli) -> Result<ExitCode, String> {
    let config = Config::from_env();
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => crate::serve(config)
            .await
            .map(|_| ExitCode::SUCCESS)
            .map_err(|e| e.to_string()),
        Command::User { command } => {
            let state = state(config).await?;
            match command {
                UserCommand::Add {
                    name,
                    role,
                    community,
                    ..
                } => {
                    let password = read_password()?;
                    let input = crate::users::NewUser {
                        username: name,
                        display_name: String::new(),
                        role,
                        community: community.unwrap_or_default(),
                        password,
                    };
                    let (u, _) = crate::users::create_user(
                        &state.db,
                        state.config.password_cost,
                        &Actor::system(),
                        &input,
                    )
                    .await
                    .map_err(|e| e.message())?;
                    println!("已创建用户 {}（{}）", u.username, u.role().label());
                }
                UserCommand::Passwd { name, .. } => {
                    let password = read_password()?;
                    crate::users::set_password_by_name(&state, &name, &password)
                        .await
                        .map_err(|e| e.message())?;
                    println!("已修改 {name} 的密码");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo => {
            let state = state(config).await?;
            if let Some(pw) = crate::users::ensure_admin(
                &state.db,
                state.config.password_cost,
                state.config.admin_password.as_deref(),
            )
            .await
            .map_err(|e| e.to_string())?
            {
                println!("已创建街道工作组账号 admin，密码：{pw}");
            }
            let r = crate::demo::load(&state).await.map_err(|e| e.to_string())?;
            println!(
                "演示数据已载入：新增社区 {} 个，新增人员 {} 人。",
                r.communities, r.people
            );
            println!("演示账号（密码只显示这一次）：");
            for (name, role, pw) in r.accounts {
                println!("  {role:<8} {name:<10} {pw}");
            }
            for line in r.party {
                println!("{line}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit { command } => {
            let state = state(config).await?;
            match command {
                AuditCommand::Verify { anchor } => audit::verify(&state, anchor.as_deref()).await,
                AuditCommand::Anchor { file } => audit::anchor(&state, &file).await,
            }
        }
        Command::Tally { file } => Ok(tally(&file)),
        Command::Routes => Ok(print_routes()),
    }
}

fn print_routes() -> ExitCode {
    use std::io::Write;
    // A closed pipe (`| head`) is not an error.
    let _ = std::io::stdout().write_all(crate::routes::listing().as_bytes());
    ExitCode::SUCCESS
}

fn tally(file: &str) -> ExitCode {
    let text = if file == "-" {
        let mut s = String::new();
        if let Err(e) = std::io::stdin().read_to_string(&mut s) {
            eprintln!("无法读取标准输入：{e}\ncannot read standard input: {e}");
            return ExitCode::from(2);
        }
        s
    } else {
        match std::fs::read_to_string(file) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("无法读取文件 {file}：{e}\ncannot read {file}: {e}");
                return ExitCode::from(2);
            }
        }
    };
    tally_text(&text)
}

fn tally_text(text: &str) -> ExitCode {
    match crate::domain::tally::tally_json(text) {
        Ok(out) => {
            // A closed pipe (`| head`) is not an error of the tally.
            use std::io::Write;
            let _ = writeln!(std::io::stdout(), "{out}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{}\n{}", e.zh(), e.en());
            ExitCode::from(2)
        }
    }
}
