# certdoctor — 繁體中文（台灣）訊息。
# 譯詞依照 Microsoft Intune 繁體中文文件：憑證、根憑證、憑證授權單位 (CA)、裝置系統管理員、
# 設定檔、事件檢視器、公司入口網站、網路裝置註冊服務 (NDES)。
# 發現項目 ID、列舉值與 JSON 鍵永不翻譯。每則訊息都必須在每種語言中存在（有測試檢查）。

## 判定結果、步驟、標題

verdict-delivered = 已送達
verdict-failed = 失敗
verdict-action_required = 需要處理
verdict-in_progress = 進行中
verdict-inconclusive = 無法判斷

step-1 = 設定檔已傳送到裝置
step-2 = 裝置連線到 NDES
step-3 = 憑證連接器驗證挑戰密碼
step-4 = 憑證授權單位發行憑證
step-5 = 憑證已安裝到裝置
step-6 = 已向 Intune 回報成功

severity-error = 錯誤
severity-action = 需處理
severity-warning = 警告
severity-info = 資訊

heading-title = certdoctor — SCEP 憑證傳遞報告
heading-verdict = 判定結果
heading-summary = 摘要
heading-next = 下一步
heading-findings = 發現項目
heading-enrollments = 註冊
heading-certificates = 憑證
heading-chains = 憑證鏈
heading-timeline = 時間軸
heading-inputs = 讀取的檔案
heading-notices = 注意事項
label-generated = 產生時間
label-platforms = 平台
label-step = 步驟
label-remedy = 處理方式
label-evidence = 證據
label-resolved = 之後的證據顯示已解決
label-profile = 設定檔
label-state = 狀態
label-seen = 出現時間
label-subject = 主體
label-issuer = 發行者
label-valid = 有效期間
label-role = 角色
label-key = 金鑰
label-eku = 擴充金鑰使用方法 (EKU)
label-san = 主體別名 (SAN)
label-template = 範本
label-sources = 來源
label-chain-complete = 完整
label-chain-incomplete = 不完整
label-signatures-valid = 簽章有效
label-signatures-invalid = 簽章「無效」
label-records = 筆記錄
label-record-count = { $count } 筆記錄
label-platform = 平台
label-transaction = 交易識別碼
label-none = 無
label-more-timeline = 另有 { $count } 筆較早的時間軸項目超過 { $limit } 筆的上限，未列出。
label-more-findings = 另有 { $count } 項較不嚴重的發現超過每份報告 { $limit } 項的上限，未列出。
label-more-evidence = { $id }：另有 { $count } 筆證據超過每項發現 { $limit } 筆的上限，未列出。
redaction-applied = 個人資料已替換為代號（類型：{ $kinds }）。若要查看原始值，請加上 --no-redact 重新執行。
redaction-none = 已啟用遮蔽，但輸入中找不到需要替換的姓名、位址或識別碼。
redaction-off = 未遮蔽：本報告會依記錄原樣顯示姓名、位址與識別碼。

## HTML 報告與日期

heading-steps = 傳遞停在哪一步
heading-privacy = 隱私權
heading-contents = 目錄
label-colon = ：
label-seen-on = 出現於
label-skip = 跳到發現項目
label-step-reached = 已完成
label-step-failed = 在此停止
label-step-waiting = 等待處理
label-step-resolved = 之後已恢復
label-step-not-reached = 沒有證據
label-step-count = 第 { $step } 步，共 6 步
label-severity = 嚴重性
label-time = 時間
label-source = 來源
label-event = 事件
label-path = 路徑
label-kind = 類型
label-status = 狀態
label-error = 訊息
label-fingerprint = SHA-256 指紋
label-serial = 序號
label-signature = 簽章
label-certificate = 憑證
label-chain-path = 從根憑證到使用者憑證的憑證鏈
label-chain-missing = 輸入中沒有發行者憑證
label-not-in-input = （不在輸入中）
label-expired = 已過期
label-not-yet-valid = 尚未生效
label-days-left = 剩 { $days } 天
label-validity-bar = 有效期間；標記表示報告產生的時間
label-report-time = 報告時間
label-status-ok = 已讀取
label-status-error = 錯誤
label-status-ignored = 已略過
role-root = 根憑證授權單位
role-intermediate = 發行憑證授權單位
role-leaf = 憑證
label-footer = 由 { $tool } { $version } 產生。發現項目 ID（例如 CERT_EXPIRED）在所有語言中都相同，聯絡技術支援人員時請提供這些 ID。
date-time = { $year }年{ $month }月{ $day }日 { $hour }:{ $minute } UTC

## 摘要與下一步

summary-delivered-log = 設定檔 { $profile } 的 SCEP 憑證已安裝在{ $platform ->
        [android] {" "}Android{" "}
        [ios] {" "}iOS{" "}
        [windows] {" "}Windows{" "}
       *[other] {""}
    }裝置上（最後狀態：{ $state }）。
summary-delivered-cert = 用戶端憑證 { $name } 已存在，且憑證鏈完整有效。
summary-failed = 傳遞在步驟 { $step }（{ $step_name }）失敗{ $platform ->
        [android] {"，"}發生在 Android 裝置上
        [ios] {"，"}發生在 iOS 裝置上
        [windows] {"，"}發生在 Windows 裝置上
       *[other] {""}
    }：{ $title }。
summary-action = 傳遞停在步驟 { $step }（{ $step_name }）：{ $title }。需要有人處理後才能完成。
summary-in-progress = 已看到註冊，但尚未完成：已到步驟 { $step }（{ $step_name }），狀態為 { $state }。
summary-inconclusive = 輸入中找不到任何 SCEP 活動或憑證。
summary-inconclusive-certs = 已讀取 { $certificates } 個憑證，但沒有任何一個是具備完整憑證鏈的用戶端憑證，也找不到 SCEP 記錄活動。
next-follow-remedy = 請依照第一個發現項目的處理方式進行。
next-delivered = 不需要處理：憑證已送達。如果 Intune 仍顯示錯誤，請檢查步驟 6（NDES 向 Intune 回報）。
next-in-progress = 請再次同步裝置（公司入口網站 → 檢查狀態，或 設定 → 帳戶 → 同步），數分鐘後再收集一次記錄。
next-collect = 請收集 MDM 用戶端的記錄：Android 公司入口網站 → 說明 → 傳送記錄 (OMADM 記錄)、iOS 主控台中 profiled 處理程序的記錄、Windows 事件檢視器 → DeviceManagement-Enterprise-Diagnostics-Provider → Admin（另存為 XML），以及從裝置匯出的憑證。

## 時間軸

tl-device-identity = 裝置與其管理註冊：{ $facts }
tl-profile-received = 已收到 SCEP 設定檔
tl-root-profile-received = 已收到受信任的根憑證設定檔
tl-pending-requests = 有 { $count } 個憑證要求等待處理
tl-enrollment-attempt = 嘗試註冊 { $profile }
tl-scep-request = 已送出 { $operation } 要求
tl-scep-http-response = { $operation } 回應 { $status } { $reason }
tl-transport-error = SCEP 伺服器沒有回應：{ $cause }
tl-invalid-response = SCEP 伺服器的回覆無法使用：{ $cause }
tl-capabilities = CA 功能有問題：{ $cause }
tl-csr-built = 已建立憑證要求 (CSR)
tl-poll-built = 已建立待處理要求的輪詢 (GetCertInitial)
tl-certrep = CertRep pkiStatus={ $status }
tl-certrep-failinfo = CertRep pkiStatus={ $status } failInfo={ $fail_info }
tl-scep-state = SCEP 憑證狀態 { $from } → { $to }
tl-root-state = 根憑證狀態 { $from } → { $to }
tl-installed = 憑證已安裝
tl-install-error = 裝置回報錯誤：{ $cause }
tl-rolled-back = 設定檔安裝已復原
tl-result-reported = 已向 MDM 服務回報結果
tl-dependent-waiting = 設定檔 { $profile } 正在等待其憑證
tl-dependent-applied = 已套用設定檔 { $profile }
tl-cert-selection = 憑證選取：{ $matched } 個符合，{ $excluded } 個排除
tl-cert-excluded = 憑證已從選取中排除
tl-enrollment-failed = MDM 用戶端回報註冊失敗

## 發現項目詳細資料

detail-scep-http-status = 送往 { $host } 的 { $operation } 要求收到 HTTP { $status } { $reason } 回應。
detail-scep-transport = 裝置無法連線到 SCEP 伺服器{ $operation ->
        [GetCACert] {" "}(GetCACert)
        [GetCACaps] {" "}(GetCACaps)
        [PKIOperation] {" "}(PKIOperation)
       *[other] {""}
    }：{ $cause }
detail-scep-capabilities = 裝置無法讀取 CA 功能 (GetCACaps)：{ $cause }
detail-scep-no-answer = { $operation } 要求在裝置重試之前都沒有收到回應。
detail-scep-invalid-response = SCEP 伺服器有回應，但回覆無法使用：{ $cause }
detail-scep-rejected = 憑證授權單位回應 pkiStatus=FAILURE{ $fail_info_kind ->
        [badAlg] {"，"}failInfo 為 badAlg：不支援此演算法。
        [badMessageCheck] {"，"}failInfo 為 badMessageCheck：要求的簽章或完整性檢查失敗。
        [badRequest] {"，"}failInfo 為 badRequest：不允許或不支援此要求（通常是被 NDES 原則模組或 CA 憑證範本拒絕）。
        [badTime] {"，"}failInfo 為 badTime：要求的簽署時間與 CA 的時鐘相差太多。
        [badCertId] {"，"}failInfo 為 badCertId：找不到與此要求對應的憑證。
        [other] {"，"}failInfo 為 { $fail_info }。
       *[none] {"。"}
    }
detail-scep-pending = 憑證授權單位回應 pkiStatus=PENDING：要求正在等待 CA 管理員核准。
detail-platform-error = 裝置回報 { $code }：{ $explanation }
detail-install-state-failed = 憑證安裝狀態機到達 { $state }。
detail-enrollment-failed = MDM 用戶端回報憑證註冊失敗。
detail-profile-rolled-back = 裝置已復原整個設定檔的安裝。
detail-install-waiting = 憑證已發行，裝置也已要求安裝 (CERT_INSTALL_REQUESTED)，但安裝尚未開始。
detail-access-not-granted = 憑證已安裝，但應用程式尚未獲得存取權 (有 CERT_ACCESS_REQUESTED 但沒有 CERT_ACCESS_GRANTED)。
detail-root-failed = 受信任的根憑證 { $root } 到達狀態 { $state }。
detail-root-pending = 受信任的根憑證 { $root } 正在等待安裝 (CERT_INSTALL_REQUESTED)。
detail-profile-waiting = 設定檔 { $profile } 會等到其憑證送達後才套用。
detail-profile-cert-not-selected = 沒有任何已安裝的憑證符合設定檔的條件（已排除 { $excluded } 個）。
detail-log-gap-start = 記錄從這次註冊的中途才開始：輸入中沒有前面的步驟（記錄已輪替或被截斷）。
detail-no-evidence = 輸入中找不到任何 SCEP 記錄活動、設定檔或憑證。
detail-cert-expired = 憑證 { $name } 已於 { $not_after } 過期。
detail-cert-not-yet-valid = 憑證 { $name } 在 { $not_before } 之前無效。
detail-cert-expiring-soon = 憑證 { $name } 將在 { $days } 天後過期（{ $not_after }）。
detail-cert-no-client-auth = 憑證 { $name } 的擴充金鑰使用方法不含用戶端驗證（{ $ekus }）。
detail-cert-weak-key = 憑證 { $name } 使用強度不足的 { $algorithm } 金鑰，只有 { $bits } 位元。
detail-cert-weak-signature = 憑證 { $name } 以 { $algorithm } 簽署。
detail-cert-unparseable = 檔案 { $file } 看起來是憑證，但無法解碼：{ $reason }
detail-chain-incomplete = 從 { $name } 無法連到輸入中的任何自我簽署根憑證：缺少發行者 { $missing }。
detail-chain-signature-invalid = { $name } 上的簽章無法以 { $issuer } 的公開金鑰驗證：可能是另一個同名的 CA 所發行，或憑證已遭變更。
detail-chain-top-not-root = { $name } 的憑證鏈停在 { $top }，但它不是根憑證：它的「發出給」與「發行者」不同（{ $missing }），而輸入中沒有該 CA。位於「信任的根憑證授權單位」中的根憑證，其發出給與發行者必須相同。
detail-chain-issuer-mismatch = { $name } 的「發行者」（{ $missing }）與提供的任何 CA 憑證名稱（{ $cas }）都不相符：個人憑證的發行者必須等於 CA 的名稱。

## 發現項目：標題與處理方式

finding-cert-expired =
    .title = 有憑證已過期
    .remedy = 請更新憑證：SCEP 憑證請讓 Intune 重新發行（同步裝置，並檢查設定檔的更新閾值）；CA 憑證請更新憑證授權單位，再以受信任的憑證設定檔部署新的根憑證或中繼憑證。
finding-cert-not-yet-valid =
    .title = 有憑證尚未生效
    .remedy = 請檢查裝置的日期與時間，以及 CA 的時鐘：憑證要到未來才生效，通常表示其中一邊的時鐘不正確。
finding-cert-expiring-soon =
    .title = 憑證即將過期
    .remedy = 請確認在到期日前可以順利更新：裝置在設定檔的更新閾值內同步時，就會更新 SCEP 憑證。
finding-chain-incomplete =
    .title = 憑證鏈不完整
    .remedy = 請以受信任的憑證設定檔將缺少的 CA 憑證（根憑證與所有中繼憑證）部署到裝置，並指派給與 SCEP 設定檔相同的群組；或將該憑證加入要分析的檔案中。
finding-chain-signature-invalid =
    .title = 有憑證的簽章無法驗證
    .remedy = 檔案中的發行 CA 並不是簽署此憑證的 CA（例如舊的 CA 與更新後的 CA 同名）。請匯出正確的 CA 憑證，並確認受信任的憑證設定檔中是目前的根憑證。
finding-cert-no-client-auth =
    .title = 此憑證無法用於用戶端驗證
    .remedy = 請在 Intune 的 SCEP 設定檔以及 CA 的憑證範本中，將「用戶端驗證」加入擴充金鑰使用方法，然後讓裝置重新註冊。
finding-cert-weak-key =
    .title = 憑證的金鑰強度不足
    .remedy = 請在 SCEP 設定檔與 CA 憑證範本中提高金鑰大小（RSA 至少 2048 位元，EC 至少 256 位元）。
finding-cert-weak-signature =
    .title = 憑證以強度不足的演算法簽署
    .remedy = 請將 CA 改用 SHA-256 以上的演算法並重新發行；目前的用戶端會拒絕 MD5 與 SHA-1 簽章。
finding-cert-unparseable =
    .title = 有憑證檔案無法讀取
    .remedy = 請重新將憑證匯出為 DER (.cer) 或 Base64 (PEM)，或將憑證鏈匯出為 .p7b，再傳送新的檔案。
finding-root-cert-not-installed =
    .title = 受信任的根憑證未安裝
    .remedy = 請檢查受信任的憑證設定檔：它必須指派給與 SCEP 設定檔相同的群組。在 Android 11 以上以裝置系統管理員註冊的裝置上，使用者必須從「設定」手動安裝根憑證（Samsung Knox 除外），或將裝置改為 Android Enterprise。
finding-root-cert-install-pending =
    .title = 受信任的根憑證正在等待安裝
    .remedy = 請使用者開啟公司入口網站的通知並安裝根憑證。在 Android 11 以上以裝置系統管理員註冊的裝置上，設定檔已無法自動安裝根憑證：使用者必須從「設定」安裝，或將裝置改為 Android Enterprise。根憑證送達之前，SCEP 設定檔會一直處於擱置狀態。
finding-scep-server-unreachable =
    .title = 裝置無法連線到 SCEP 伺服器 (NDES)
    .remedy = 請確認裝置所在的網路可以連到 SCEP 設定檔中的 NDES URL（DNS、防火牆、Entra 應用程式 Proxy），IIS 對 GetCACert 回應 200，且 NDES 伺服器的 TLS 憑證有效並受裝置信任。mscep.dll 回應 HTTP 500 表示問題出在 NDES 本身：請檢查其服務帳戶、應用程式集區與 RA 憑證。
finding-scep-server-invalid-response =
    .title = SCEP 伺服器的回應無法使用
    .remedy = 請檢查 NDES：其 RA 憑證（CEP Encryption、Exchange Enrollment Agent）必須有效且由該 CA 發行，GetCACert 必須傳回 CA 與 RA 憑證，GetCACaps 必須列出 CA 功能。可在瀏覽器開啟加上 operation=GetCACert 的 NDES URL，查看傳回的內容。
finding-scep-profile-invalid =
    .title = SCEP 設定檔本身有誤
    .remedy = 請在 Intune 中修正 SCEP 設定檔：金鑰使用方法（數位簽章和/或金鑰加密）、主體名稱格式與主體別名；若挑戰密碼或主體含有 PrintableString 不允許的字元，必須更改。然後讓裝置同步。
finding-scep-client-error =
    .title = 裝置無法建立金鑰或憑證要求
    .remedy = 請檢查 SCEP 設定檔中的金鑰儲存提供者與金鑰大小（例如在沒有可用 TPM 的裝置上指定了 TPM）、裝置的可用儲存空間，並在重新開機後再試一次。若問題持續，請移除設定檔指派後再重新指派。
finding-scep-ca-thumbprint-mismatch =
    .title = 伺服器傳回的 CA 不是設定檔所信任的 CA
    .remedy = 請在 SCEP 設定檔中選取實際透過此 NDES 伺服器發行憑證的根憑證授權單位所對應的受信任的憑證設定檔；CA 更新後，請一併更新受信任的憑證設定檔。
finding-scep-request-rejected =
    .title = 憑證授權單位或 NDES 拒絕了憑證要求
    .remedy = { $variant ->
        [ca_template_denied] 在 CA 伺服器上：開啟憑證範本（憑證範本主控台 → SCEP 範本 → 安全性），授與 NDES 服務帳戶「讀取」與「註冊」權限，然後讓裝置重試。
        [ca_admin_denied] 在 CA 上：憑證管理員拒絕了此要求。如果範本要求 CA 憑證管理員核准，請在 SCEP 範本的「發行需求」中取消勾選「CA 憑證管理員核准」，或在「擱置的要求」中核准下一個要求，然後讓裝置重試。
        [ca_template_unsupported] 在 NDES 伺服器與 CA 上：NDES 登錄（HKLM\SOFTWARE\Microsoft\Cryptography\MSCEP：SignatureTemplate、EncryptionTemplate、GeneralPurposeTemplate）中的範本名稱必須是範本名稱（不是顯示名稱），且範本必須已在此 CA 上發佈（憑證範本 → 新增 → 要發行的憑證範本）；變更後請重新啟動 IIS。
        [ca_subject] 在 CA 上：要求的主體或主體別名不符合範本。請對照範本的「主體名稱」索引標籤（在要求中提供），檢查 Intune 中 SCEP 設定檔的主體名稱與主體別名格式，以及使用者的 UPN／電子郵件屬性。
        [ca_key_length] 在 Intune 中：將 SCEP 設定檔的金鑰大小提高到至少範本的最小金鑰大小（範本 →「密碼編譯」索引標籤），或降低範本的最小值。
       *[other] 請在 CA 的「失敗的要求」中查看原因；檢查憑證範本（NDES 服務帳戶需要「讀取」與「註冊」權限，NDES 登錄中的範本名稱必須對應已發佈的範本）、設定檔要求的主體與主體別名，以及 Intune 憑證連接器記錄中是否有挑戰密碼被拒絕。
    }
finding-scep-request-pending =
    .title = 憑證要求正在等待 CA 核准
    .remedy = 需由 CA 管理員核准此要求（certsrv.msc → 擱置的要求 → 發行），或將憑證範本改為 SCEP 不需要 CA 管理員核准。
finding-scep-install-failed =
    .title = 憑證安裝失敗
    .remedy = 請查看裝置上引述的錯誤。移除設定檔指派後再重新指派，以觸發新的註冊；若再次發生，請開啟詳細資訊記錄後重新收集裝置記錄。
finding-scep-install-waiting-for-user =
    .title = { $variant ->
        [android_enterprise] 憑證尚未安裝（自動安裝）
        [knox] 憑證尚未安裝（自動安裝）
       *[other] 憑證正在等待使用者安裝
    }
    .remedy = { $variant ->
        [android_enterprise] 在 Android Enterprise 上安裝是自動且無訊息的：等待過久並不是使用者造成的。請確認裝置已設定螢幕鎖定 PIN（SCEP 佈建憑證前必須先設定），且公司入口網站為最新版本，然後同步。
        [knox] 在 Samsung Knox 上安裝是自動且無訊息的：等待過久並不是使用者造成的。請檢查 Knox 授權與公司入口網站版本，然後同步。
       *[other] 請使用者開啟公司入口網站的「安裝憑證」通知並接受（以裝置系統管理員註冊的裝置需要使用者同意）。如果通知已消失，請開啟公司入口網站並同步。
    }
finding-scep-access-not-granted =
    .title = 應用程式尚未獲得憑證的存取權
    .remedy = { $variant ->
        [android_enterprise] 在 Android Enterprise 上存取權會自動授與：請同步裝置，並確認公司入口網站與 Intune 應用程式為最新版本。
       *[other] 請使用者開啟公司入口網站的通知，在「選擇憑證」對話方塊中選取該憑證，再點選「允許」。如果選擇清單中沒有該憑證，表示安裝尚未完成。
    }
finding-profile-waiting-for-certificate =
    .title = 有設定檔正在等待其憑證
    .remedy = 設定檔本身不需要處理：SCEP 憑證安裝完成後就會套用。
finding-profile-certificate-not-selected =
    .title = 有設定檔找不到符合的憑證
    .remedy = 請確認 Wi-Fi、VPN 或電子郵件設定檔參照的是實際部署的 SCEP 設定檔，且憑證的擴充金鑰使用方法與發行者符合設定檔的要求。
finding-log-gap =
    .title = 記錄未涵蓋整個註冊過程
    .remedy = 請在重現問題後立即重新收集記錄（先同步，再馬上傳送記錄），讓記錄包含註冊的開頭。
finding-no-evidence =
    .title = 找不到 SCEP 證據
    .remedy = { $variant ->
        [right_log] { remedy-no-evidence-right-log }
       *[other] 請確認傳送的是正確的檔案：公司入口網站的 OMADM 記錄、iOS 的 profiled 記錄或 Windows DeviceManagement 事件匯出，以及從裝置匯出的憑證。
    }
finding-ndes-service-failed =
    .title = NDES 無法處理裝置的要求
    .remedy = 在 NDES 伺服器 (IIS) 上：啟動 SCEP 應用程式集區，並確認其身分識別（NDES 服務帳戶）有效、未被鎖定且密碼未過期；在本機安全性原則中授與 IIS_IUSRS「在驗證後模擬用戶端」權限（HTTP 500 且 win32 為 1346 時）；更新已過期的 MSCEP-RA 憑證（CEP Encryption、Exchange Enrollment Agent）並重新啟動 IIS；針對過長的 PKIOperation URL 提高要求篩選的限制（maxUrl、maxQueryString）（414、404.14、404.15）。
finding-policy-module-failed =
    .title = Intune 原則模組或憑證連接器沒有做出判定
    .remedy = 在 NDES 伺服器上：確認 Intune 憑證連接器服務正在執行；原則模組的用戶端驗證憑證（NDESPolicyModule 登錄）必須有效、含有「用戶端驗證」擴充金鑰使用方法，且只鏈結到「信任的根憑證授權單位」中的根憑證（把中繼 CA 放在信任的根憑證中會造成 403.16）；CertificateRegistrationSvc 應用程式集區必須在執行中，且能寫入 C:\Windows\Temp；NDES 的 TLS 憑證必須包含外掛程式呼叫的主機名稱（WinHTTP 12175）；WinHTTP 12029／12002 表示外掛程式無法連線到憑證註冊點。
finding-challenge-rejected =
    .title = SCEP 挑戰密碼遭到拒絕
    .remedy = NDES 伺服器上的憑證連接器檢查了挑戰密碼並拒絕它：密碼已過期、已使用過，或不是發給此裝置的。請同步裝置以取得新的 SCEP 設定檔與挑戰密碼；並檢查 NDES 伺服器的時鐘，以及裝置註冊期間 SCEP 設定檔是否被重新指派或編輯。
finding-ca-submit-failed =
    .title = NDES 無法將要求提交給憑證授權單位
    .remedy = 在 NDES 伺服器上：CA 必須在執行中，且 NDES 能透過 RPC/DCOM 連線到它（防火牆、CA 上的 CertSvc 服務）；NDES 設定的 CA 名稱必須正確；NDES 服務帳戶在 CA 上需具備「讀取」與「要求憑證」權限（CA 內容 → 安全性）。修正後請讓裝置重試。
finding-cert-issued-not-delivered =
    .title = 憑證授權單位已發行憑證，但裝置一直沒有收到
    .remedy = 憑證已在 CA 上（已發行的憑證）。請檢查從 NDES 回到裝置的路徑：Entra 應用程式 Proxy 或負載平衡器對較長的 PKIOperation 回應是否逾時，以及 NDES 伺服器的 IIS 記錄中是否有該裝置的 PKIOperation；然後同步裝置，讓它重新輪詢。
finding-scep-result-not-reported =
    .title = 結果未回報給 Intune
    .remedy = 憑證可能已安裝在裝置上，但 Intune 仍顯示失敗或擱置。在 NDES 伺服器上：確認 Intune 憑證連接器能連線到 Intune（Proxy、TLS 檢查），其連接器憑證有效，並查看連接器的 Notify／上傳事件；回報恢復後，狀態會在下次同步時更新。
finding-cert-connector-unhealthy =
    .title = Intune 憑證連接器狀態不良
    .remedy = 在 NDES 伺服器上開啟 Microsoft Intune 憑證連接器：若連接器憑證遺失或已過期，請更新或重新註冊（在連接器介面中重新登入），確認連接器服務正在執行，然後重新啟動它。

## 伺服器：NDES、憑證連接器與憑證授權單位

summary-failed-server = 傳遞在步驟 { $step }（{ $step_name }）於{ $machine ->
        [ndes] {" "}NDES 伺服器
        [connector] 憑證連接器
        [ca] 憑證授權單位
       *[other] 伺服器
    }失敗：{ $title }。
summary-action-server = 傳遞停在步驟 { $step }（{ $step_name }），位於{ $machine ->
        [ndes] {" "}NDES 伺服器
        [connector] 憑證連接器
        [ca] 憑證授權單位
       *[other] 伺服器
    }：{ $title }。需要有人處理後才能完成。
summary-in-progress-server = 伺服器已處理此要求到步驟 { $step }（出現於：{ $machines }），但伺服器記錄無法顯示憑證是否已送達裝置。
next-collect-device = 請一併收集裝置的記錄（Android 公司入口網站 OMADM 記錄、iOS profiled 記錄，或 Windows DeviceManagement 事件匯出），以查看裝置上的步驟 5 與 6。

label-steps = 步驟
step-status-ok = 成功
step-status-failed = 失敗
step-status-seen = 已出現
step-status-not_seen = 未出現
machine-device = 裝置
machine-ndes = NDES
machine-connector = 憑證連接器
machine-ca = CA

detail-server-ndes-http = NDES 伺服器對{ $client ->
        [android] {" "}Android 裝置的
        [ios] {" "}iOS 裝置的
        [windows] {" "}Windows 裝置的
       *[other] {""}
    } { $operation } 要求回應 HTTP { $status }（win32 { $win32 }）：{ $cause ->
        [expl-iis-impersonation] IIS_IUSRS 缺少「在驗證後模擬用戶端」權限。
        [expl-iis-500] NDES 內部發生錯誤；通常是其服務帳戶被鎖定或密碼已過期，或 MSCEP-RA 憑證已過期。
        [expl-iis-503] SCEP 應用程式集區已停止或不斷當機。
        [expl-iis-url-too-long] URL 或查詢字串超過 IIS 要求篩選的限制。
        [expl-iis-404] 路徑錯誤，或缺少 NDES 應用程式。
       *[other] NDES 無法處理此要求。
    }
detail-server-crp-http = NDES 原則模組對憑證註冊點的 { $call } 呼叫，在{ $machine ->
        [ndes] {" "}NDES 伺服器
        [connector] 憑證連接器
        [ca] 憑證授權單位
       *[other] 伺服器
    }上收到 HTTP { $status }（win32 { $win32 }）回應：{ $cause ->
        [expl-crp-untrusted-client-cert] 憑證註冊點不信任原則模組的用戶端憑證（「信任的根憑證授權單位」中有中繼 CA，0x800B0109）。
        [expl-crp-403-500] 原則模組的用戶端憑證缺少「用戶端驗證」擴充金鑰使用方法或已過期，或 CRP 應用程式集區無法寫入 C:\Windows\Temp。
       *[other] 沒有收到判定結果。
    }
detail-server-event = { $machine ->
        [ndes] NDES 伺服器
        [connector] 憑證連接器
        [ca] 憑證授權單位
       *[other] 伺服器
    }回報：{ $message }
detail-server-challenge-rejected = { $machine ->
        [ndes] NDES 伺服器
        [connector] 憑證連接器
        [ca] 憑證授權單位
       *[other] 伺服器
    }檢查了 SCEP 挑戰密碼並拒絕它：{ $message }
detail-server-policy-module = { $machine ->
        [ndes] NDES 伺服器
        [connector] 憑證連接器
        [ca] 憑證授權單位
       *[other] 伺服器
    }上的 Intune 原則模組沒有收到挑戰密碼的判定結果：{ $message }
detail-server-ca-submit = 要求始終沒有得到 CA 的決定{ $code ->
        [none] {""}
       *[other] {" "}（{ $code }）
    }：{ $message }
detail-server-ca-denied = 憑證授權單位拒絕了 { $kind ->
        [pkcs] PKCS
       *[other] SCEP
    } 要求{ $code ->
        [none] {""}
       *[other] {" "}（{ $code }）
    }（出現於{ $machine ->
        [ndes] {" "}NDES 伺服器
        [connector] 憑證連接器
        [ca] 憑證授權單位
       *[other] 伺服器
    }）：{ $message }
detail-server-ca-pending = 憑證授權單位將 { $kind ->
        [pkcs] PKCS
       *[other] SCEP
    } 要求保留待核准（出現於{ $machine ->
        [ndes] {" "}NDES 伺服器
        [connector] 憑證連接器
        [ca] 憑證授權單位
       *[other] 伺服器
    }）：{ $message }
detail-server-notify-failed = { $machine ->
        [ndes] NDES 伺服器
        [connector] 憑證連接器
        [ca] 憑證授權單位
       *[other] 伺服器
    }無法向 Intune 回報結果：{ $message }。憑證可能已安裝在裝置上，但 Intune 仍顯示失敗或擱置。
detail-server-connector-unhealthy = Intune 憑證連接器回報了一個與個別要求無關的問題：{ $message }
detail-server-issued-not-delivered = { $machine ->
        [ndes] NDES 伺服器
        [connector] 憑證連接器
        [ca] 憑證授權單位
       *[other] 伺服器
    }顯示已為此註冊發行憑證，但裝置的記錄在之後至少 10 分鐘內都沒有收到它；裝置的憑證中也沒有這張憑證。

tl-server-http = { $method } { $what } → HTTP { $status }{ $client ->
        [android] {" "}(Android)
        [ios] {" "}(iOS)
        [windows] {" "}(Windows)
       *[other] {""}
    }，位於{ $machine ->
        [ndes] {" "}NDES 伺服器
        [connector] 憑證連接器
        [ca] 憑證授權單位
       *[other] 伺服器
    }
tl-server-ndes-started = NDES 服務已啟動
tl-server-ndes-stopped = NDES 服務已停止
tl-server-verify-started = { $machine ->
        [ndes] NDES 伺服器
        [connector] 憑證連接器
        [ca] 憑證授權單位
       *[other] 伺服器
    }開始檢查挑戰密碼
tl-server-request-received = { $machine ->
        [ndes] NDES 伺服器
        [connector] 憑證連接器
        [ca] 憑證授權單位
       *[other] 伺服器
    }收到 SCEP 要求
tl-server-challenge-verified = { $machine ->
        [ndes] NDES 伺服器
        [connector] 憑證連接器
        [ca] 憑證授權單位
       *[other] 伺服器
    }已驗證挑戰密碼
tl-server-challenge-rejected = { $machine ->
        [ndes] NDES 伺服器
        [connector] 憑證連接器
        [ca] 憑證授權單位
       *[other] 伺服器
    }拒絕了挑戰密碼
tl-server-ca-decision = CA 決定：{ $disposition }{ $request ->
        [none] {""}
       *[other] ，要求 { $request }
    }{ $code ->
        [none] {""}
       *[other] {" "}（{ $code }）
    }（出現於{ $machine ->
        [ndes] {" "}NDES 伺服器
        [connector] 憑證連接器
        [ca] 憑證授權單位
       *[other] 伺服器
    }）
tl-server-ca-submit-failed = 提交給 CA 失敗{ $code ->
        [none] {""}
       *[other] {" "}（{ $code }）
    }（出現於{ $machine ->
        [ndes] {" "}NDES 伺服器
        [connector] 憑證連接器
        [ca] 憑證授權單位
       *[other] 伺服器
    }）
tl-server-notify-ok = { $machine ->
        [ndes] NDES 伺服器
        [connector] 憑證連接器
        [ca] 憑證授權單位
       *[other] 伺服器
    }已向 Intune 回報結果
tl-server-notify-failed = { $machine ->
        [ndes] NDES 伺服器
        [connector] 憑證連接器
        [ca] 憑證授權單位
       *[other] 伺服器
    }向 Intune 回報結果失敗
tl-server-note = { $machine ->
        [ndes] NDES 伺服器
        [connector] 憑證連接器
        [ca] 憑證授權單位
       *[other] 伺服器
    }：{ $cause }

## archives (issue 20)
archive-members-not-listed = { $archive }：另有 { $count } 個成員不含 certdoctor 可讀取的內容；每個封存檔超過 { $limit } 個此類成員時，只在此計數，不逐一列出。
ul-member-unreadable = { $member }：這個{ $what ->
        [tracev3] 記錄檔
        [uuidtext] 字串檔
        [dsc] 共用快取字串檔
        [timesync] 時鐘檔
       *[other] 檔案
    }無法讀取，或從某處起無法讀取（{ $error }）；錯誤之前的內容已讀取。
ul-partial-messages = { $archive }：{ $records } 筆記錄的訊息不完整，因為 logarchive 的字串庫缺少（{ $images } 個映像字串檔、{ $caches } 個共用快取字串檔）、未保留（{ $notkept } 筆記錄），或長訊息缺少（{ $oversize } 筆記錄）。其時間、處理程序與子系統仍已讀取；證據可能不完整。
ul-processes-unknown = { $archive }：{ $records } 筆記錄的處理程序不明（logarchive 缺少其字串檔）。
ul-times-from-header = { $archive }：開機 { $boot } 的時鐘檔缺少；{ $records } 筆記錄的時間取自其記錄檔標頭，可能因時鐘漂移而有誤差。
ul-pending-dropped = { $archive }：為維持記憶體上限，捨棄了 { $chunksets } 個尚未辨識處理程序的記錄區塊（{ $bytes } 位元組）（其字串檔尚未讀到：封存檔將它們排在記錄檔之後，或根本沒有）。
ul-formatted-early = { $archive }：為維持記憶體上限，有 { $files } 個記錄檔在其字串檔或時鐘檔全部到齊前就已讀取，而其中部分檔案之後才出現；其中 { $records } 筆記錄的訊息可能不完整，或時間取自記錄檔標頭，若於最後才讀取則可完整取得。
ul-never-identified = { $archive }：logarchive 從未指明其處理程序的 { $chunksets } 個記錄區塊未讀取；依子系統選取的記錄已讀取。
ul-no-string-stores = { $archive }：logarchive 有記錄檔，但沒有字串庫（uuidtext、dsc）：訊息不完整。
ul-no-log-files = { $archive }：logarchive 有字串庫，但沒有記錄檔（.tracev3）：沒有可讀取的記錄。

## fragments (issue 21)
## 記錄正確但沒有 SCEP 活動：是哪一份記錄，以及它涵蓋的時間。

log-kind = { $kind ->
        [android_omadm_log] 裝置的公司入口網站 OMADM 記錄
        [ios_profiled_log] 裝置的 profiled 記錄
        [windows_dm_events] 裝置的 DeviceManagement 事件匯出
        [iis_w3c_log] NDES 伺服器的 IIS 記錄
        [ndes_plugin_log] NDES 原則模組記錄（NDESPlugin.log）
        [intune_connector_svclog] 憑證連接器的追蹤記錄
        [windows_server_events] 伺服器的 Windows 事件匯出
        [ca_request_list] 憑證授權單位的要求清單
        [certutil_view] 憑證授權單位資料庫檢視（certutil -view）
        [scep_test_client_log] SCEP 測試用戶端的輸出
        [intune_connector_setup_log] 憑證連接器的安裝記錄
        [ios_unified_log] 裝置的整合記錄（sysdiagnose）
        [ios_profile_state] 裝置的描述檔狀態（sysdiagnose）
        [windows_mdm_diag_report] 裝置的 MDM 診斷報告
       *[other] 多份記錄
    }
time-range = { $range ->
        [span] （從 { $from } 到 { $to }）
        [one] （於 { $from }）
       *[none] {""}
    }
detail-no-evidence-right-log = { $logs ->
        [one] 這是正確的記錄：{ log-kind }，但它涵蓋的時間範圍{ time-range }內沒有任何 SCEP 活動。
       *[other] 這些是正確的記錄（{ log-kind }），但它們涵蓋的時間範圍{ time-range }內沒有任何 SCEP 活動。
    }
summary-inconclusive-right-log = { $logs ->
        [one] 這是正確的記錄：{ log-kind }，但它涵蓋的時間範圍{ time-range }內沒有任何 SCEP 活動：記錄是在註冊之前或之後收集的。
       *[other] 這些是正確的記錄（{ log-kind }），但它們涵蓋的時間範圍{ time-range }內沒有任何 SCEP 活動：記錄是在註冊之前或之後收集的。
    }
remedy-no-evidence-right-log = 請重新收集同一份記錄，讓它涵蓋註冊過程：在裝置上同步（公司入口網站 → 檢查狀態；iOS 設定 → 一般 → VPN 與裝置管理；Windows 設定 → 帳戶 → 存取公司或學校資源 → 資訊 → 同步），等 SCEP 設定檔處理完成或失敗後立即收集記錄；在伺服器上，匯出同一段時間的記錄。
next-collect-covering = { remedy-no-evidence-right-log }

## probe (issue 23)
heading-probe = SCEP 伺服器測試
summary-probe-working = SCEP 伺服器 { $url } 的回應與正常運作的 NDES 相同：GetCACaps 與 GetCACert 都已回覆，CA 為 { $ca }，並附上 { $ras } 張 RA 憑證。探測無法證明憑證已送達：裝置本身的記錄才能說明是否已完成註冊。
summary-probe-failed = SCEP 伺服器 { $url } 的測試在步驟 2（裝置連線到 NDES）失敗：{ $title }。
next-probe-working = 從這裡看，伺服器在步驟 2 的回應正確。如果裝置仍然失敗，請從裝置所在的網路測試（App 中的「測試 SCEP 伺服器」），並以 certdoctor diagnose 診斷裝置的記錄。
next-probe-command = 請從技術支援端或裝置所在的網路測試 SCEP 伺服器：certdoctor probe { $url }
next-probe-redacted = 請從技術支援端或裝置所在的網路測試 SCEP 伺服器：以 SCEP 設定檔中的 NDES URL 執行 certdoctor probe（此處為 { $url }；代號遮蔽了主機名稱，certdoctor diagnose --no-redact 會顯示完整命令）。
next-probe-stem = 請從技術支援端或裝置所在的網路測試 SCEP 伺服器：certdoctor probe https://<NDES 伺服器的外部名稱>{ $path }
label-probe-url = SCEP URL
label-probe-bytes = { $count } 位元組
label-probe-cut = 已在 1 MiB 上限處截斷
label-probe-no-answer = 沒有回應
label-probe-server-cert = 伺服器憑證
label-probe-caps = 功能（GetCACaps）
label-probe-ca = CA
label-probe-ra = RA
label-probe-ra-signing = 簽章
label-probe-ra-encryption = 加密
label-probe-expected-thumbprint = 預期的 CA 指紋
detail-probe-dns = { $operation } 至 { $url }：無法解析主機名稱 { $host }（{ $reason }）。名稱有誤，或是此網路的 DNS 不認得的內部名稱。
detail-probe-connect = { $operation } 至 { $url }：無法連線到 { $host }（{ $reason }）。防火牆、已停止的 IIS 或錯誤的連接埠讓裝置無法連入。
detail-probe-timeout = { $operation } 至 { $url } 未在時限內得到回應（{ $reason }）。伺服器負載過重，或防火牆丟棄了流量。
detail-probe-tls-expired = { $operation } 至 { $url }：TLS 伺服器憑證已過期（{ $reason }）。裝置會拒絕連線。
detail-probe-tls-not-yet-valid = { $operation } 至 { $url }：TLS 伺服器憑證尚未生效（{ $reason }）；請檢查伺服器與裝置的時鐘。
detail-probe-tls-untrusted = { $operation } 至 { $url }：TLS 伺服器憑證不受信任（{ $reason }）。其鏈結並未結束於此用戶端信任的根憑證，或伺服器沒有傳送中繼憑證。
detail-probe-tls-wrong-host = { $operation } 至 { $url }：TLS 伺服器憑證並未列出 { $host }（{ $reason }）。
detail-probe-tls-revoked = { $operation } 至 { $url }：TLS 伺服器憑證已被撤銷（{ $reason }）。
detail-probe-tls-handshake = { $operation } 至 { $url }：TLS 交握失敗（{ $reason }）。
detail-probe-transport = { $operation } 至 { $url } 失敗（{ $reason }）。
detail-probe-redirect-too-many = { $operation } 至 { $url } 被重新導向超過 { $limit } 次（最後一次：HTTP { $status } 導向 { $location }），形成重新導向迴圈。
detail-probe-redirect-downgrade = { $operation } 至 { $url } 被從 https 重新導向到 http（{ $location }）；certdoctor 拒絕跟隨，裝置也應如此。
detail-probe-redirect-bad = { $operation } 至 { $url } 回應 HTTP { $status }，但其 Location 無法跟隨（{ $location }）。
detail-probe-http-403 = { $operation } 至 { $url } 得到 HTTP 403 Forbidden。IIS 拒絕了要求：要求篩選、IP 限制、要求用戶端憑證的 SSL 設定，或先行驗證的應用程式 Proxy。
detail-probe-http-404 = { $operation } 至 { $url } 得到 HTTP 404 Not Found：路徑有誤（NDES 位於 /certsrv/mscep/mscep.dll）、該伺服器未安裝 NDES，或 Proxy 發布了其他路徑。
detail-probe-http-5xx = { $operation } 至 { $url } 得到 HTTP { $status }：NDES 本身發生錯誤（服務帳戶、應用程式集區、RA 憑證或 CA 是否可用）。
detail-probe-http-other = { $operation } 至 { $url } 得到 HTTP { $status }。
detail-probe-reply-empty = { $operation } 的回覆是空的：伺服器回應 200 但沒有內容。
detail-probe-reply-html = { $operation } 的回覆是 HTML 網頁（{ $title }），而非 SCEP 回應：NDES 前方有入口網站、Proxy 登入頁或錯誤頁。
detail-probe-reply-too-large = { $operation } 的回覆超過 { $limit } 位元組；SCEP 回應只有幾 KB。
detail-probe-reply-not-caps = { $operation } 的回覆不是功能清單：開頭為「{ $line }」。
detail-probe-reply-not-certs = { $operation } 的回覆不含憑證：{ $reason }。
detail-probe-no-ra = { $operation } 的回覆是含有 { $count } 張 CA 憑證、但沒有 RA 憑證的 PKCS#7。NDES 會在 CA 之外附上其 RA 憑證（簽章與加密）；沒有它們，裝置無法加密其要求。
detail-probe-caps-weak = 伺服器的功能缺少 { $missing }（其列出：{ $caps }）。裝置會改用較弱的演算法，或以 GET 將整個要求放在 URL 中。
detail-probe-ra-no-signing = 沒有任何 RA 憑證允許數位簽章，而 NDES 需要它來簽署回覆：{ $ras }。
detail-probe-ra-no-encryption = 沒有任何 RA 憑證允許金鑰加密，而裝置需要它來加密送往 NDES 的要求：{ $ras }。
detail-probe-ra-not-agent = RA 憑證 { $name } 缺少 NDES 的 RA 憑證應有的「憑證要求代理程式」EKU（1.3.6.1.4.1.311.20.2.1）（其 EKU：{ $ekus }）。
detail-probe-thumbprint = 伺服器傳回的 CA 不是預期的那一個：預期指紋 { $expected }，傳回 { $cas }。
detail-probe-thumbprint-no-root = 伺服器傳回的 CA 憑證與指紋 { $expected } 不符（傳回 { $cas }）；回覆中沒有根憑證，若該指紋屬於根憑證，請與上層鏈結的根憑證比對。
finding-scep-capabilities-weak =
    .title = SCEP 伺服器的功能較弱或不完整
    .remedy = 請檢查 SCEP 伺服器的 GetCACaps 回應：新版 Windows Server 上的 NDES 會列出 POSTPKIOperation、SHA-256（或 SHA-512）以及 DES3 或 AES。較舊或第三方的伺服器可能需要更新或調整設定。
finding-scep-ra-cert-unusable =
    .title = SCEP 伺服器的 RA 憑證無法簽章或加密
    .remedy = 請從範本更新 NDES 的 RA 憑證（簽章用「Exchange Enrollment Agent (Offline request)」，加密用「CEP Encryption」），然後重新啟動 IIS；GetCACert 必須傳回兩種用途的憑證。
finding-scep-ra-not-request-agent =
    .title = NDES 的 RA 憑證缺少「憑證要求代理程式」EKU
    .remedy = 請以預設的 NDES 範本重新簽發 NDES 的 RA 憑證（其含有「憑證要求代理程式」EKU），然後重新啟動 IIS。
