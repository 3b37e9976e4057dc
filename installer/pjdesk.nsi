; NSIS script for the Windows installer of pjdesk: pjdesk-setup-<version>.exe from the one-folder build.
;
;     pyinstaller installer\pjdesk.spec        (on Windows: makes dist\pjdesk)
;     makensis installer\pjdesk.nsi            (writes dist\pjdesk-setup-<version>.exe)
;
; The version is read from pjdesk\__init__.py; makensis -DVERSION=x.y.z overrides it.
; Paths are relative to this file (makensis changes to its folder). Saved as UTF-8 with a BOM.
; The uninstaller removes the program only. The user's data (%LOCALAPPDATA%\pjdesk, or the folder given by
; --data-dir / PJDESK_DATA_DIR) is never touched: it holds the station's ledger and its backups.

Unicode true
ManifestDPIAware true

!ifndef VERSION
  !searchparse /file "..\pjdesk\__init__.py" `__version__ = "` VERSION `"`
!endif
; The frozen program and the installer's name; installer/check.sh compiles the script against a stand-in.
!ifndef SOURCE
  !define SOURCE "..\dist\pjdesk"
!endif
!ifndef OUTFILE
  !define OUTFILE "..\dist\pjdesk-setup-${VERSION}.exe"
!endif

!define APPNAME "平江安全台账"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\pjdesk"

Name "${APPNAME}"
OutFile "${OUTFILE}"
SetCompressor /SOLID lzma

; Per-machine (Program Files\pjdesk, for an administrator) or per-user (no administrator needed).
!define MULTIUSER_EXECUTIONLEVEL Highest
!define MULTIUSER_MUI
!define MULTIUSER_INSTALLMODE_COMMANDLINE
!define MULTIUSER_USE_PROGRAMFILES64
!define MULTIUSER_INSTALLMODE_INSTDIR "pjdesk"
!define MULTIUSER_INSTALLMODE_INSTDIR_REGISTRY_KEY "${UNINST_KEY}"
!define MULTIUSER_INSTALLMODE_INSTDIR_REGISTRY_VALUENAME "InstallLocation"
!define MULTIUSER_INSTALLMODE_DEFAULT_REGISTRY_KEY "${UNINST_KEY}"
!define MULTIUSER_INSTALLMODE_DEFAULT_REGISTRY_VALUENAME "UninstallString"
!define MULTIUSER_INIT_TEXT_ADMINREQUIRED "安装 ${APPNAME} 需要管理员权限。"
!define MULTIUSER_INIT_TEXT_POWERREQUIRED "安装 ${APPNAME} 需要管理员权限。"
!define MULTIUSER_INIT_TEXT_ALLUSERSNOTPOSSIBLE "当前账户没有为本机所有用户安装的权限，请选择“只为我自己安装”，或用管理员账户运行。"

!include MultiUser.nsh
!include MUI2.nsh
!include FileFunc.nsh
!include x64.nsh

!define MUI_ICON "..\resources\icons\pjdesk.ico"
!define MUI_UNICON "..\resources\icons\pjdesk.ico"
!define MUI_ABORTWARNING

!insertmacro MULTIUSER_PAGE_INSTALLMODE
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH

!define DATA_KEPT "您的台账数据不会被删除：数据目录（默认为 %LOCALAPPDATA%\pjdesk）及其中的备份都会保留，重新安装后可继续使用。"
!define MUI_UNCONFIRMPAGE_TEXT_TOP "将从本机删除 ${APPNAME} 程序。$\r$\n${DATA_KEPT}"
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "SimpChinese"

Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_OK|MB_ICONSTOP "${APPNAME} 需要 64 位 Windows 10 或 11。"
    Abort
  ${EndIf}
  SetRegView 64
  !insertmacro MULTIUSER_INIT
FunctionEnd

Function un.onInit
  SetRegView 64
  !insertmacro MULTIUSER_UNINIT
FunctionEnd

Section "pjdesk"
  SetOutPath "$INSTDIR"
  RMDir /r "$INSTDIR\_internal" ; an upgrade must not keep libraries of the old version
  File /r "${SOURCE}\*"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateShortcut "$SMPROGRAMS\${APPNAME}.lnk" "$INSTDIR\pjdesk.exe"
  CreateShortcut "$DESKTOP\${APPNAME}.lnk" "$INSTDIR\pjdesk.exe"

  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegStr SHCTX "${UNINST_KEY}" "DisplayName" "${APPNAME}"
  WriteRegStr SHCTX "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr SHCTX "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\pjdesk.exe"
  WriteRegStr SHCTX "${UNINST_KEY}" "Publisher" "平江县"
  WriteRegStr SHCTX "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr SHCTX "${UNINST_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe" /$MultiUser.InstallMode'
  WriteRegDWORD SHCTX "${UNINST_KEY}" "EstimatedSize" $0
  WriteRegDWORD SHCTX "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD SHCTX "${UNINST_KEY}" "NoRepair" 1
SectionEnd

Section "Uninstall"
  ; Only what the installer put here: never RMDir /r "$INSTDIR", which the user may have pointed anywhere.
  Delete "$SMPROGRAMS\${APPNAME}.lnk"
  Delete "$DESKTOP\${APPNAME}.lnk"
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\pjdesk.exe"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey SHCTX "${UNINST_KEY}"
  DetailPrint "${DATA_KEPT}"
SectionEnd
