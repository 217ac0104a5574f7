package io.partnerka.admin;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/** The login form (Spring Security processes the POST) and the page for what a role may not do. */
@Controller
class LoginPage implements AdminPage {

    @GetMapping("/admin/login")
    String login() {
        return "admin/login";
    }

    @org.springframework.web.bind.annotation.RequestMapping("/admin/denied")
    String denied(jakarta.servlet.http.HttpServletResponse response, org.springframework.ui.Model model) {
        response.setStatus(403);
        model.addAttribute("status", 403);
        model.addAttribute("message", ((WebText) model.getAttribute("t")).text("web.error.not-allowed-text"));
        return "admin/error";
    }
}
