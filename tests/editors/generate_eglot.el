;;; generate_eglot.el --- Emacs 28 + eglot 1.9 run codecrdt.generate  -*- lexical-binding: t -*-

;; Driven by tests/test_editors_generate.py: `emacs --batch -l generate_eglot.el' (not -Q:
;; Debian's elpa-eglot is found through site-start).  The parameters come as JSON in the
;; file named by CODECRDT_EDITOR_PARAMS; the result goes as JSON to params.result.
;;
;; Flow: visit inventory.py, start eglot on `codecrdt serve', wait for the duplicate-import
;; diagnostic in `flymake-diagnostics', run codecrdt.generate with "wait": true, wait until
;; the server's document equals the buffer, then wait for the diagnostics published for
;; the buffer's final version.  params.request says how codecrdt.generate is sent:
;;
;; - "blocking": `eglot-execute-command', as the `codecrdt-generate' command of
;;   docs/lsp.md.  It blocks until the run ends, and during a command Emacs runs no idle
;;   timer, so eglot applies the first agent edit but sends no `didChange' and refuses
;;   every later (versioned) edit as out of date; the server sends the rest afterwards.
;; - "async": `jsonrpc-async-request', then waiting as an idle Emacs: the agents' edits
;;   stream into the buffer while the run goes on.
;;
;; Batch mode never runs idle timers (Emacs is never "waiting for input"), and eglot sends
;; `didChange' from an idle timer.  `codecrdt-test--wait' therefore runs the one-shot idle
;; timers that an interactive Emacs whose user does not type would run: those whose idle
;; time has passed since the wait began.

(require 'package)
(package-initialize)
(require 'cl-lib)
(require 'json)
(require 'flymake)
(require 'python)
(require 'eglot)

(defvar codecrdt-test-params
  (let ((json-object-type 'alist) (json-array-type 'list) (json-key-type 'symbol))
    (json-read-file (getenv "CODECRDT_EDITOR_PARAMS"))))

(defun codecrdt-test--param (key) (alist-get key codecrdt-test-params))

(defvar codecrdt-test--start (float-time))
(defvar codecrdt-test--result (make-hash-table :test #'equal))
(defvar codecrdt-test--timings (make-hash-table :test #'equal))
(defvar codecrdt-test--publications nil "Each publishDiagnostics seen, newest first.")
(defvar codecrdt-test--apply-edits 0 "workspace/applyEdit requests received.")
(defvar codecrdt-test--rejected-edits nil "Why eglot refused an edit, newest first.")
(defvar codecrdt-test--generating nil "Non-nil while codecrdt.generate is outstanding.")
(defvar codecrdt-test--edits-while-generating 0)
(defvar codecrdt-test--rejected-while-generating 0)

(defun codecrdt-test--ms () (round (* 1000 (- (float-time) codecrdt-test--start))))
(defun codecrdt-test--set (key value) (puthash key value codecrdt-test--result))
(defun codecrdt-test--mark (name) (puthash name (codecrdt-test--ms) codecrdt-test--timings))

(defun codecrdt-test--finish (ok reason)
  (codecrdt-test--mark "total")
  (codecrdt-test--set "ok" (if ok t :json-false))
  (codecrdt-test--set "reason" reason)
  (codecrdt-test--set "timings_ms" codecrdt-test--timings)
  (codecrdt-test--set "publications" (vconcat (reverse codecrdt-test--publications)))
  (codecrdt-test--set "apply_edits" codecrdt-test--apply-edits)
  (codecrdt-test--set "rejected_edits" (vconcat (reverse codecrdt-test--rejected-edits)))
  (codecrdt-test--set "edits_while_generating" codecrdt-test--edits-while-generating)
  (codecrdt-test--set "rejected_while_generating" codecrdt-test--rejected-while-generating)
  (unless ok
    (let ((events (cl-find-if (lambda (b) (string-match-p "\\`\\*EGLOT.*events\\*\\'"
                                                          (buffer-name b)))
                              (buffer-list))))
      (when events
        (codecrdt-test--set "events_tail"
                            (with-current-buffer events
                              (buffer-substring-no-properties
                               (max (point-min) (- (point-max) 6000)) (point-max)))))))
  (let ((coding-system-for-write 'utf-8-unix))
    (with-temp-file (codecrdt-test--param 'result)
      (insert (json-encode codecrdt-test--result))))
  (kill-emacs (if ok 0 1)))

;; Count the applyEdit requests, and the edits eglot refuses (out-of-date version).
(advice-add 'eglot--apply-workspace-edit :before
            (lambda (&rest _)
              (cl-incf codecrdt-test--apply-edits)
              (when codecrdt-test--generating
                (cl-incf codecrdt-test--edits-while-generating))))
(advice-add 'eglot--apply-text-edits :around
            (lambda (apply edits &optional version)
              (condition-case error
                  (funcall apply edits version)
                (error
                 (push (format "%s" (cdr error)) codecrdt-test--rejected-edits)
                 (when codecrdt-test--generating
                   (cl-incf codecrdt-test--rejected-while-generating))
                 (signal (car error) (cdr error))))))
;; Record each publication: its version, the buffer's version and the codes.
(cl-defmethod eglot-handle-notification :before
  (_server (_method (eql textDocument/publishDiagnostics)) &key uri diagnostics version
           &allow-other-keys)
  (let ((buffer (find-buffer-visiting (eglot--uri-to-path uri))))
    (push (list :t_ms (codecrdt-test--ms)
                :version version
                :buffer_version (and buffer (buffer-local-value
                                             'eglot--versioned-identifier buffer))
                :codes (vconcat (mapcar (lambda (d) (plist-get d :code)) diagnostics)))
          codecrdt-test--publications)))

(defun codecrdt-test--run-idle-timers (idle-for)
  "Run the one-shot idle timers due after IDLE-FOR seconds without input."
  (dolist (timer (copy-sequence timer-idle-list))
    (when (and (memq timer timer-idle-list)
               (not (timer--repeat-delay timer))
               (<= (float-time (timer--time timer)) idle-for))
      (timer-event-handler timer))))

(defun codecrdt-test--wait (seconds predicate)
  "Wait up to SECONDS for PREDICATE, as an Emacs whose user does not type."
  (let ((start (float-time)) done)
    (while (and (not (setq done (funcall predicate)))
                (< (- (float-time) start) seconds))
      (accept-process-output nil 0.02)
      (codecrdt-test--run-idle-timers (- (float-time) start)))
    done))

(defun codecrdt-test--diagnostics ()
  "The buffer's Flymake diagnostics, with the LSP fields eglot keeps in their data."
  (vconcat
   (mapcar (lambda (d)
             (let ((lsp (alist-get 'eglot-lsp-diag (flymake-diagnostic-data d))))
               (list :line (1- (line-number-at-pos (flymake-diagnostic-beg d)))
                     :source (plist-get lsp :source)
                     :code (plist-get lsp :code)
                     :type (format "%s" (flymake-diagnostic-type d))
                     :message (flymake-diagnostic-text d))))
           (flymake-diagnostics))))

(defun codecrdt-test--has-code (diagnostics code)
  (cl-some (lambda (d) (and (equal (plist-get d :code) code)
                            (equal (plist-get d :source) "codecrdt")))
           diagnostics))

(defun codecrdt-test--buffer-text ()
  (save-restriction (widen) (buffer-substring-no-properties (point-min) (point-max))))

(defun codecrdt-test--main ()
  (setq eglot-server-programs
        (list (cons 'python-mode (codecrdt-test--param 'cmd))))
  (setq eglot-confirm-server-initiated-edits nil) ; else y-or-n-p on every agent edit
  (setq eglot-sync-connect 15)
  (set-buffer (find-file-noselect (codecrdt-test--param 'file)))
  (unless (derived-mode-p 'python-mode) (python-mode))
  (codecrdt-test--set "initial_buffer" (codecrdt-test--buffer-text))
  (apply #'eglot (eglot--guess-contact))
  (unless (codecrdt-test--wait 15 (lambda () (and eglot--managed-mode (eglot-current-server))))
    (codecrdt-test--finish nil "eglot did not manage the buffer within 15 s"))
  (codecrdt-test--mark "initialized")
  (flymake-start)
  (let* ((server (eglot--current-server-or-lose))
         (uri (eglot--path-to-uri (buffer-file-name)))
         (jsonrpc-default-request-timeout 120))
    (codecrdt-test--set "uri" uri)

    ;; 1. The duplicate import is reported before anything runs.
    (unless (codecrdt-test--wait
             15 (lambda () (codecrdt-test--has-code (codecrdt-test--diagnostics)
                                                    "duplicate-import")))
      (codecrdt-test--set "diagnostics_before" (codecrdt-test--diagnostics))
      (codecrdt-test--finish nil "no duplicate-import diagnostic within 15 s"))
    (codecrdt-test--set "diagnostics_before" (codecrdt-test--diagnostics))
    (codecrdt-test--mark "diagnostics_before")

    ;; 2. The run, answered when it ends.
    (setq codecrdt-test--generating t)
    (let ((arguments (vector (list :uri uri
                                   :script (codecrdt-test--param 'script)
                                   :provider "scripted"
                                   :timeScale (codecrdt-test--param 'time_scale)
                                   :wait t)))
          answer failure)
      (if (equal (codecrdt-test--param 'request) "blocking")
          (condition-case error
              (setq answer (eglot-execute-command server "codecrdt.generate" arguments))
            (error (setq failure error)))
        (jsonrpc-async-request server :workspace/executeCommand
                               (list :command "codecrdt.generate" :arguments arguments)
                               :success-fn (lambda (result) (setq answer result))
                               :error-fn (lambda (error) (setq failure error))
                               :timeout-fn (lambda () (setq failure 'timeout))
                               :timeout 120)
        (codecrdt-test--wait 120 (lambda () (or answer failure))))
      (setq codecrdt-test--generating nil)
      (unless answer
        (codecrdt-test--finish nil (format "codecrdt.generate failed: %S" failure)))
      (codecrdt-test--mark "generate_answered")
      (codecrdt-test--set "run_id" (plist-get answer :runId))
      (codecrdt-test--set "report" (plist-get answer :report)))
    (codecrdt-test--set "buffer_when_answered" (codecrdt-test--buffer-text))

    ;; 3. Converged: in sync, the same text, and still so a while later.
    (let ((streak 0) state)
      (codecrdt-test--wait
       20 (lambda ()
            (codecrdt-test--wait 0.1 #'ignore)
            (setq state (eglot-execute-command server "codecrdt.documentState"
                                               (vector (list :uri uri))))
            (setq streak (if (and (eq (plist-get state :inSync) t)
                                  (equal (plist-get state :text)
                                         (codecrdt-test--buffer-text)))
                             (1+ streak)
                           0))
            (>= streak 3)))
      (codecrdt-test--set "state" state)
      (codecrdt-test--set "buffer" (codecrdt-test--buffer-text))
      (codecrdt-test--set "server_text" (plist-get state :text))
      (unless (>= streak 3)
        (codecrdt-test--finish nil "buffer and server did not converge within 20 s")))
    (codecrdt-test--mark "converged")

    ;; 4. The diagnostics of the final text: a publication at the buffer's version.
    (let ((final eglot--versioned-identifier))
      (codecrdt-test--set "final_version" final)
      (unless (codecrdt-test--wait
               10 (lambda () (equal (plist-get (car codecrdt-test--publications) :version)
                                    final)))
        (codecrdt-test--set "diagnostics_after" (codecrdt-test--diagnostics))
        (codecrdt-test--finish
         nil (format "no diagnostics published for version %s within 10 s" final)))
      (codecrdt-test--wait 0.3 #'ignore) ; nothing else should arrive now
      (codecrdt-test--mark "diagnostics_after")
      (codecrdt-test--set "diagnostics_after" (codecrdt-test--diagnostics))
      (codecrdt-test--set "buffer" (codecrdt-test--buffer-text))
      (codecrdt-test--set "final_version_after_wait" eglot--versioned-identifier)))
  (codecrdt-test--finish t nil))

(condition-case error
    (codecrdt-test--main)
  (error (codecrdt-test--finish nil (format "error: %S" error))))

;;; generate_eglot.el ends here
