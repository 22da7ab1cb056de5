; The Windows installer of Caiji (会计信息采集助手), built on Linux by Debian's makensis
; (scripts/windows.sh): a per-user install (no administrator needed) into
; %LOCALAPPDATA%\Programs\Caiji, a Start-menu entry, an uninstaller listed in "Apps", and the
; Microsoft Edge WebView2 runtime fetched and installed at the user's end when it is missing
; (Windows 11 has it; most Windows 10 machines have it through Edge's updates).
;
; makensis -DVERSION=0.1.0 [-DNUMERIC_VERSION=0.1.0.0] -DSTAGE=<folder with the programs>
;          -DOUTFILE=<setup.exe> caiji.nsi
Unicode true
Target amd64-unicode
SetCompressor /SOLID lzma
RequestExecutionLevel user
ManifestDPIAware true

!include "MUI2.nsh"
!include "LogicLib.nsh"
!include "FileFunc.nsh"

!ifndef VERSION
  !error "VERSION is required"
!endif
!ifndef STAGE
  !error "STAGE (the folder with caiji-app.exe, caiji.exe, WebView2Loader.dll) is required"
!endif
!ifndef NUMERIC_VERSION
  !define NUMERIC_VERSION "${VERSION}.0"
!endif
!ifndef OUTFILE
  !define OUTFILE "caiji-${VERSION}-windows-x64-setup.exe"
!endif

!define PRODUCT "会计信息采集助手"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\Caiji"
; The Evergreen WebView2 runtime's client id (Microsoft's documented registry check).
!define WEBVIEW2_CLIENT "{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}"
; The running app holds this mutex (tauri-plugin-single-instance, without its semver feature:
; the identifier + "-sim"); scripts/windows.sh passes it from src-tauri/tauri.conf.json.
!ifndef APP_MUTEX
  !error "APP_MUTEX (the app's instance mutex, <identifier>-sim) is required"
!endif
; Microsoft's bootstrapper (about 2 MB; it downloads the runtime).
!define WEBVIEW2_URL "https://go.microsoft.com/fwlink/p/?LinkId=2124703"

Name "${PRODUCT} Caiji"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\Caiji"
InstallDirRegKey HKCU "${UNINSTALL_KEY}" "InstallLocation"
BrandingText "Caiji ${VERSION}"
VIProductVersion "${NUMERIC_VERSION}"
VIAddVersionKey /LANG=2052 "ProductName" "${PRODUCT}"
VIAddVersionKey /LANG=2052 "FileDescription" "${PRODUCT} 安装程序"
VIAddVersionKey /LANG=2052 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=2052 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=2052 "LegalCopyright" "MIT OR Apache-2.0"

!define MUI_ICON "${STAGE}\icon.ico"
!define MUI_UNICON "${STAGE}\icon.ico"
!define MUI_FINISHPAGE_RUN "$INSTDIR\caiji-app.exe"
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
; Simplified Chinese first: the installer speaks the user's language when it is English.
!insertmacro MUI_LANGUAGE "SimpChinese"
!insertmacro MUI_LANGUAGE "English"

LangString WV2_FETCH ${LANG_SIMPCHINESE} "正在下载并安装 Microsoft Edge WebView2 运行时（本软件的界面需要它）……"
LangString WV2_FETCH ${LANG_ENGLISH} "Downloading and installing the Microsoft Edge WebView2 runtime (the app's window needs it)…"
LangString WV2_FAILED ${LANG_SIMPCHINESE} "未能安装 Microsoft Edge WebView2 运行时（可能没有联网）。命令行工具 caiji.exe 可以照常使用；要使用窗口界面，请联网后从 https://developer.microsoft.com/microsoft-edge/webview2/ 下载“常青版引导程序”安装，或更新 Windows。"
LangString WV2_FAILED ${LANG_ENGLISH} "The Microsoft Edge WebView2 runtime could not be installed (no network?). The command line tool caiji.exe works as it is; for the app's window, install the Evergreen Bootstrapper from https://developer.microsoft.com/microsoft-edge/webview2/ when online, or update Windows."
LangString RUNNING ${LANG_SIMPCHINESE} "会计信息采集助手正在运行。请先关闭它（你的草稿会自动保存），再点“重试”。"
LangString RUNNING ${LANG_ENGLISH} "Caiji is running. Close it first (your drafts are saved as you type), then choose Retry."
LangString NOT_REMOVED ${LANG_SIMPCHINESE} "有程序文件正在使用，没能删除。请关闭会计信息采集助手和命令行窗口后再卸载一次。"
LangString NOT_REMOVED ${LANG_ENGLISH} "Some program files are in use and were not removed. Close Caiji and any command window using it, then uninstall again."
LangString KEEP_DATA ${LANG_SIMPCHINESE} "你的设置、草稿和附件保存在 %APPDATA%\caiji，卸载不会删除它们。"
LangString KEEP_DATA ${LANG_ENGLISH} "Your settings, drafts and attachments in %APPDATA%\caiji are kept."

; Is an Evergreen WebView2 runtime installed (for the machine or for this user)?
Function HasWebView2
  Push $0
  SetRegView 64
  ReadRegStr $0 HKLM "SOFTWARE\WOW6432Node\Microsoft\EdgeUpdate\Clients\${WEBVIEW2_CLIENT}" "pv"
  ${If} $0 == ""
  ${OrIf} $0 == "0.0.0.0"
    ReadRegStr $0 HKCU "Software\Microsoft\EdgeUpdate\Clients\${WEBVIEW2_CLIENT}" "pv"
  ${EndIf}
  ${If} $0 == "0.0.0.0"
    StrCpy $0 ""
  ${EndIf}
  Exch $0
FunctionEnd

; Files of a running program cannot be replaced or deleted: ask for it to be closed, or stop
; (a silent install stops with exit code 2). Running: the app's instance mutex exists (or
; exists but may not be opened: an app started as administrator), or a program in $INSTDIR
; cannot be opened for writing (a `caiji.exe` batch in a console holds no mutex).
!macro WAIT_UNTIL_CLOSED
  ${Do}
    StrCpy $2 ""
    System::Call 'kernel32::OpenMutexW(i 0x00100000, i 0, w "${APP_MUTEX}") p .r0 ?e'
    Pop $1
    ${If} $0 P<> 0
      System::Call 'kernel32::CloseHandle(p r0)'
      StrCpy $2 "running"
    ${ElseIf} $1 = 5
      StrCpy $2 "running"
    ${EndIf}
    ${If} $2 == ""
    ${AndIf} ${FileExists} "$INSTDIR\caiji-app.exe"
      ClearErrors
      FileOpen $3 "$INSTDIR\caiji-app.exe" a
      ${IfThen} ${Errors} ${|} StrCpy $2 "running" ${|}
      ${IfThen} $3 != "" ${|} FileClose $3 ${|}
    ${EndIf}
    ${If} $2 == ""
    ${AndIf} ${FileExists} "$INSTDIR\caiji.exe"
      ClearErrors
      FileOpen $3 "$INSTDIR\caiji.exe" a
      ${IfThen} ${Errors} ${|} StrCpy $2 "running" ${|}
      ${IfThen} $3 != "" ${|} FileClose $3 ${|}
    ${EndIf}
    ${IfThen} $2 == "" ${|} ${Break} ${|}
    MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION "$(RUNNING)" /SD IDCANCEL IDRETRY retry
    SetErrorLevel 2
    Quit
    retry:
  ${Loop}
!macroend

Function .onInit
  !insertmacro WAIT_UNTIL_CLOSED
FunctionEnd

Function un.onInit
  !insertmacro WAIT_UNTIL_CLOSED
FunctionEnd

Section "Caiji" SecMain
  ; Only a folder of ours: named Caiji, or holding our app and an uninstaller (an earlier
  ; install) — a folder chosen such as Documents, D:\ or another program's folder gets a Caiji
  ; folder inside it (the uninstaller deletes its files by name, and Documents may hold a
  ; README.txt of the user's, another program an uninstall.exe). Silent installs (/D=) too.
  ${GetFileName} "$INSTDIR" $0
  StrCpy $1 "ours"
  ${IfNot} ${FileExists} "$INSTDIR\caiji-app.exe"
  ${OrIfNot} ${FileExists} "$INSTDIR\uninstall.exe"
    StrCpy $1 ""
  ${EndIf}
  ${If} $0 != "Caiji"
  ${AndIf} $1 == ""
    StrCpy $INSTDIR "$INSTDIR\Caiji"
  ${EndIf}
  SetOutPath "$INSTDIR"
  File "${STAGE}\caiji-app.exe"
  File "${STAGE}\caiji.exe"
  File "${STAGE}\WebView2Loader.dll"
  File "${STAGE}\icon.ico"
  File "${STAGE}\README.txt"
  File "${STAGE}\WebView2Loader-LICENSE.txt"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  CreateShortcut "$SMPROGRAMS\${PRODUCT}.lnk" "$INSTDIR\caiji-app.exe" "" "$INSTDIR\icon.ico"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${PRODUCT} Caiji"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "Caiji"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\icon.ico"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1

  ; The WebView2 runtime at the user's end, when missing: Microsoft's bootstrapper, fetched
  ; over TLS 1.2 (two minutes at most) into the installer's private folder by the system's own
  ; PowerShell (by full path: never one planted beside the installer), run only when its
  ; Authenticode signature is valid and Microsoft's, for this user (no administrator).
  Call HasWebView2
  Pop $0
  ${If} $0 == ""
    DetailPrint "$(WV2_FETCH)"
    InitPluginsDir
    System::Call 'Kernel32::SetEnvironmentVariable(t "CAIJI_WV2", t "$PLUGINSDIR\MicrosoftEdgeWebview2Setup.exe")'
    nsExec::ExecToLog '"$SYSDIR\WindowsPowerShell\v1.0\powershell.exe" -NoProfile -NonInteractive -Command "$$ProgressPreference=$\'SilentlyContinue$\'; [Net.ServicePointManager]::SecurityProtocol=[Net.ServicePointManager]::SecurityProtocol -bor 3072; $$f=$$env:CAIJI_WV2; Invoke-WebRequest -UseBasicParsing -TimeoutSec 120 -Uri $\'${WEBVIEW2_URL}$\' -OutFile $$f; $$s=Get-AuthenticodeSignature $$f; if ($$s.Status -ne $\'Valid$\' -or $$s.SignerCertificate.Subject -notlike $\'*, O=Microsoft Corporation, L=Redmond, S=Washington, C=US$\') { Remove-Item $$f; exit 1 }"'
    Pop $1
    ${If} $1 == "0"
      ExecWait '"$PLUGINSDIR\MicrosoftEdgeWebview2Setup.exe" /silent /install' $1
    ${EndIf}
    Call HasWebView2
    Pop $0
    ${If} $0 == ""
      DetailPrint "$(WV2_FAILED)"
      MessageBox MB_OK|MB_ICONINFORMATION "$(WV2_FAILED)" /SD IDOK
    ${EndIf}
  ${EndIf}
SectionEnd

Section "Uninstall"
  Delete "$INSTDIR\caiji-app.exe"
  Delete "$INSTDIR\caiji.exe"
  ${If} ${FileExists} "$INSTDIR\caiji-app.exe"
  ${OrIf} ${FileExists} "$INSTDIR\caiji.exe"
    ; A program that could not be deleted (started meanwhile): keep the uninstaller and the
    ; entries that lead to it, to be run again.
    DetailPrint "$(NOT_REMOVED)"
    MessageBox MB_OK|MB_ICONEXCLAMATION "$(NOT_REMOVED)" /SD IDOK
    SetErrorLevel 2
  ${Else}
    Delete "$INSTDIR\WebView2Loader.dll"
    Delete "$INSTDIR\icon.ico"
    Delete "$INSTDIR\README.txt"
    Delete "$INSTDIR\WebView2Loader-LICENSE.txt"
    Delete "$INSTDIR\uninstall.exe"
    RMDir "$INSTDIR"
    Delete "$SMPROGRAMS\${PRODUCT}.lnk"
    DeleteRegKey HKCU "${UNINSTALL_KEY}"
    DetailPrint "$(KEEP_DATA)"
  ${EndIf}
SectionEnd
