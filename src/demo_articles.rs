//! The demo Knowledge Base: published articles of the IT Service Desk, written for Switchboard's
//! demo data (titles, categories and Markdown bodies), loaded with the rest of the demo data.

/// A demo article: title, category, Markdown body.
pub struct DemoArticle {
    pub title: &'static str,
    pub category: &'static str,
    pub body: &'static str,
}

pub const DEMO_ARTICLES: [DemoArticle; 12] = [
    DemoArticle {
        title: "Reset your password",
        category: "Accounts",
        body: r#"## Reset your password yourself

Forgot your password, or has it expired? You can reset it in a few minutes with the
self-service reset portal, without waiting for the IT Service Desk.

1. Open the reset portal at https://intranet.example.com/password-reset from any browser.
2. Enter your work email address and click **Next**.
3. Confirm your identity with the code sent to your registered phone.
4. Type a new password twice and click **Reset password**.
5. Sign in again on your computer and phone with the new password.

## Password rules

- At least **14 characters** long; a short sentence is easy to remember.
- Must not contain your name or user name.
- Must not match any of your last five passwords.
- Never share your password, not even with the IT Service Desk.

## Locked out?

After **5 failed sign-in attempts** your account is locked for **15 minutes**. Wait for the
lock to expire, then try again or reset your password in the portal. Old passwords saved on
your phone are a common cause of lockouts, so update them too.

If the reset portal does not recognise you, start a chat with the IT Service Desk and have
your employee ID ready."#,
    },
    DemoArticle {
        title: "Set up multi-factor authentication (MFA)",
        category: "Accounts",
        body: r#"## Why MFA?

Multi-factor authentication (MFA) protects your account even if someone learns your
password. After you enter your password, you confirm the sign-in on your phone.

## Enrol with the Authenticator app

1. Install the **Authenticator** app on your phone from the App Store or Google Play.
2. On your computer, open https://intranet.example.com/mfa-setup and sign in.
3. Click **Add method** and choose **Authenticator app**.
4. In the app, tap **Add account**, choose **Work or school**, and scan the **QR code**
   shown on screen.
5. Approve the test notification to finish MFA enrolment.

## Backup codes

- Generate a set of **backup codes** on the MFA setup page.
- Print them or keep them in a safe place, not on your phone.
- Each code works once; use one if your phone is not at hand.

## Getting a new phone

Before you wipe or trade in your old phone, add the new phone on the MFA setup page, then
remove the old one. If the old phone is already lost or broken, sign in with a backup code,
or start a chat with the IT Service Desk so an agent can reset your MFA registration after
verifying your identity."#,
    },
    DemoArticle {
        title: "Connect to the VPN from home",
        category: "Network",
        body: r#"## What the VPN is for

The VPN gives you a secure connection to company systems when you work from home or
travel. You need it for internal sites and business applications. Email and chat work
without the VPN.

## Connect with GlobalConnect

1. Open the **GlobalConnect** VPN client from the Start menu or the menu bar.
2. If asked for a gateway, enter `vpn.example.com`.
3. Sign in with your work account and approve the sign-in on your phone.
4. Wait until the icon shows **Connected**.

If GlobalConnect is missing, install it from the Software Center or download it from
https://intranet.example.com/vpn.

## Troubleshooting VPN disconnects

- **Check your home internet first**: open any public website. If that fails, restart
  your router.
- **Move closer to your router** or use a cable; weak signals cause frequent VPN drops.
- **Disconnect and reconnect** GlobalConnect, then restart your computer if it still fails.
- **Turn off other VPN apps**, such as personal privacy tools; they conflict with the client.
- **Hotel or café networks** may block VPN traffic; try your phone's hotspot instead.

If the VPN keeps disconnecting, start a chat with the IT Service Desk and tell us the time
it dropped and the error message shown."#,
    },
    DemoArticle {
        title: "Connect to the office Wi-Fi",
        category: "Network",
        body: r#"## Office Wi-Fi networks

There are two Wi-Fi networks in every office:

| Network | Who it is for | How you connect |
|---------|---------------|-----------------|
| **CORP** | Employees on company devices | Automatic, with a device certificate |
| **GUEST** | Visitors and personal devices | Daily code from reception |

## Connect to CORP

Company computers and phones receive a **certificate** automatically, so they join the CORP
Wi-Fi without any sign-in.

1. Click the Wi-Fi icon in the taskbar or menu bar.
2. Choose **CORP** and click **Connect**.
3. If asked, pick the certificate that starts with your user name.

## Connect visitors to GUEST

1. Ask reception for today's **Wi-Fi code**; it changes every day at midnight.
2. Choose **GUEST**, open a browser and enter the code on the welcome page.

GUEST has internet access only, not internal systems.

## Wi-Fi not working?

- Select the network, choose **Forget network**, and connect again.
- Turn Wi-Fi off and on, or restart your device.
- Check the office Wi-Fi status page at https://intranet.example.com/wifi-status.

Still no connection? Start a chat with the IT Service Desk and tell us your floor and room."#,
    },
    DemoArticle {
        title: "Add a printer and print securely",
        category: "Hardware",
        body: r#"## How follow-me printing works

Our offices use **follow-me printing**: you send a job to one shared queue and collect it
at any printer in any office. Nothing prints until you are standing at the printer, so
confidential pages never sit in the tray.

## Add the printer queue

1. Open **Settings**, then **Printers & scanners**.
2. Click **Add a printer**, then **Add manually**.
3. Enter the queue `\\print01\FollowMe` and click **Next**.
4. Print a test page to check the printer queue works.

On a Mac, use the installer from https://intranet.example.com/printing instead.

## Collect your prints

1. Walk to any printer.
2. Tap your **badge** on the card reader next to the screen.
3. Choose your jobs and tap **Print**, or **Print all**.

Jobs you do not collect are deleted after 24 hours.

## Paper jams and other printer problems

- Follow the pictures on the printer screen to open the right door and remove the paper.
- Pull jammed paper out slowly in the direction of the paper path.
- Out of toner? Tell the office reception; they keep spares.
- If the printer shows an error code, note it and start a chat with the IT Service Desk."#,
    },
    DemoArticle {
        title: "Set up work email on your phone",
        category: "Software",
        body: r#"## Before you start

Work email on your phone uses the **Outlook** app. The built-in mail apps on iOS and
Android are not supported for company email. You need your phone, your work email
address and your password.

## Step 1: Enrol your phone

1. Install the **Company Portal** app from the App Store (iOS) or Google Play (Android).
2. Open Company Portal and sign in with your work email address and password.
3. Follow the steps to enrol the phone; this applies basic security settings, such as a
   screen lock.

Enrolment does not give the company access to your personal photos or messages. Details
are at https://intranet.example.com/mobile-email.

## Step 2: Add your email in Outlook

1. Install **Outlook** from the same store.
2. Open Outlook, tap **Add account** and enter your work email address.
3. Enter your password when asked.
4. Approve the **MFA prompt** in your Authenticator app.
5. Allow notifications so you see new email and meeting invitations.

## Email not syncing?

- Check that Company Portal shows your phone as **compliant**.
- Remove the account from Outlook and add it again.
- If you recently changed your password, sign in again in Outlook.

Still stuck? Start a chat with the IT Service Desk from your computer."#,
    },
    DemoArticle {
        title: "Request new software",
        category: "Software",
        body: r#"## Check the Software Center first

Many common applications are ready to install without a request. Open the **Software
Center** from the Start menu, find the application and click **Install**. It installs in
the background; you can keep working.

## Request software that is not listed

1. Open the software request form at https://intranet.example.com/software-request.
2. Enter the name of the application and the version you need.
3. Explain the business reason in one or two sentences.
4. Submit the form. Your **manager** receives an approval email.
5. After approval, the application appears in your Software Center, usually within two
   working days.

## Licensed software

Some applications cost money per user, for example design, diagram and statistics tools.
For these:

- Your manager's **approval** is always required.
- The licence is charged to your department's cost center.
- Check the **licensed software list** at https://intranet.example.com/licensed-software to
  see what is already approved and what it costs.

## Good to know

- Do not install software from the internet yourself; you do not have administrator rights.
- Free trial versions also need a request.
- Uninstall software you no longer use, so the licence can go to a colleague.

Questions about a request? Start a chat with the IT Service Desk and mention the request
number."#,
    },
    DemoArticle {
        title: "Replace a broken or old laptop",
        category: "Hardware",
        body: r#"## When you get a new laptop

Company laptops follow a **4-year lifecycle**. When your laptop reaches four years, the
IT Service Desk contacts you to schedule a replacement. You do not need to ask.

A broken laptop is replaced sooner. Examples: a cracked screen, liquid damage, a laptop
that no longer starts, or a battery that lasts under an hour.

## Report a broken laptop

1. Fill in the **damage report** at https://intranet.example.com/laptop-damage.
2. Describe what happened and when; accidents happen, and honest reports help us.
3. Add the **asset tag** number from the sticker on the bottom of the laptop.
4. If the laptop was stolen, also report it to your manager and to the police.

## Before the swap: back up your data

Your new laptop starts clean. Before you hand in the old one:

- Save your files to **OneDrive**; check that the cloud icons show them as synced.
- Export browser bookmarks, or sign in to the browser so they sync.
- Note any special tools you use so we can install them again.

## Collect your new laptop

Bring the old laptop, charger and any docking station to the IT Service Desk. We check the
asset tag, sign you in on the new laptop and make sure OneDrive is syncing before you leave."#,
    },
    DemoArticle {
        title: "Map a shared drive",
        category: "Storage",
        body: r#"## What is the shared drive?

Each department keeps shared files on the **shared drive** at `\\files01\departments`.
Mapping the shared drive gives it a drive letter, so it appears in File Explorer like a
local disk.

## Map the shared drive as S:

1. Open **File Explorer** and click **This PC**.
2. Click the three dots (**...**) in the toolbar and choose **Map network drive**.
3. Choose the drive letter **S:**.
4. In **Folder**, type `\\files01\departments`.
5. Tick **Reconnect at sign-in** and click **Finish**.

The shared drive now appears as **S:** under This PC.

## Cannot open a folder?

You only see the department folders you have access to. Access is managed by the **group
owner** of each folder, usually a team lead, not by the IT Service Desk.

- Find the group owner in the folder list at https://intranet.example.com/shared-drives.
- Send the group owner an access request with the folder name and the reason.
- After approval, sign out and sign in again for the new access to take effect.

## Working from home

The shared drive is only reachable on the company network. Connect with GlobalConnect
first, then open S: again. If the drive shows a red cross, right-click it and choose
**Disconnect**, then map it again."#,
    },
    DemoArticle {
        title: "Fix Microsoft Teams audio and video",
        category: "Software",
        body: r#"## Check your devices in Teams

Most Teams audio and video problems come from the wrong device being selected.

1. In Microsoft Teams, click the three dots (**...**) next to your profile picture.
2. Choose **Settings**, then **Devices**.
3. Pick the correct **speaker**, **microphone** and **camera**.
4. Click **Make a test call** to hear your own recording played back.

You can also change devices during a meeting: click **More**, then **Settings**.

## Headset tips

- Plug the **headset** in before you start Teams, or restart Teams after plugging it in.
- Use a USB port directly on the computer, not a hub.
- Check the mute button on the headset cable.
- Only company-approved headsets are supported; see
  https://intranet.example.com/teams-headsets.

## Camera not working?

- Open the camera shutter or slider, if your camera has one.
- Close other apps that use the camera, such as another video call.
- In Windows **Settings**, under **Privacy**, allow apps to use the camera.

## Clear the Teams cache

If Teams is still slow or shows no video:

1. Quit Teams completely (right-click the icon in the taskbar and choose **Quit**).
2. Open the Teams settings and choose **Reset**, or delete the Teams cache folder.
3. Start Teams again and sign in.

Still no sound or picture? Start a chat with the IT Service Desk."#,
    },
    DemoArticle {
        title: "Report a phishing email",
        category: "Security",
        body: r#"## Spot a phishing email

Phishing emails try to trick you into clicking a link, opening an attachment or handing
over your sign-in details. Warning signs:

- An urgent tone: "your account will be closed today".
- A sender address that does not match the company it claims to be from.
- Unexpected invoices, parcel notices or shared documents.
- Requests for gift cards, payments or your sign-in details.

## Report it with one click

1. **Do not click links** or open attachments in the email.
2. In Outlook, select the email and click the **Report phishing** button in the toolbar.
3. Confirm the report. The email is moved out of your inbox.

No button? Forward the email as an attachment to the Security team, as described at
https://intranet.example.com/phishing.

## Already clicked?

Do not feel embarrassed; it happens to everyone. Act quickly:

- Start a chat with the IT Service Desk immediately and say that you clicked a phishing
  link.
- Disconnect your computer from the network if you opened an attachment.

## What happens next

The Security team checks every phishing report, usually within an hour. If the email is
dangerous, they remove it from all mailboxes and block the sender. You receive a short
reply telling you what they found. Thank you for reporting!"#,
    },
    DemoArticle {
        title: "Recover a deleted file",
        category: "Storage",
        body: r#"## Check the Recycle Bin

Files deleted from your computer go to the **Recycle Bin** first.

1. Open the **Recycle Bin** from the desktop.
2. Find the deleted file; sort by **Date deleted** to see recent files at the top.
3. Right-click the file and choose **Restore**.

The file returns to its original folder.

## Recover from OneDrive

Deleted OneDrive files stay in the OneDrive recycle bin for **30 days**.

- Open OneDrive in the browser and click **Recycle bin** to restore a deleted file.
- To go back to an older copy of a file that was changed, right-click it and choose
  **Version history**. OneDrive keeps versions for **30 days**.

## Recover from the department shared drive

The file server takes **snapshots** several times a day, so you can restore files yourself.

1. In File Explorer, open the folder that held the deleted file.
2. Right-click an empty area and choose **Properties**.
3. Open the **Previous versions** tab and pick a snapshot from before the file was deleted.
4. Click **Open**, find the file and copy it back to the folder.

## Still missing?

Older backups may still hold the file. Start a chat with the IT Service Desk with the file
name, the folder and the date you last saw it. More help at
https://intranet.example.com/file-recovery."#,
    },
];
